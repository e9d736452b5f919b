package dev.pipewright.executor.host;

/**
 * Receives a command's output as the host reads it: stdout and stderr merged into one stream, in
 * the order they were written, as raw bytes (the engine decodes UTF-8 and splits lines). Called
 * from one host thread at a time, in stream order.
 */
@FunctionalInterface
public interface OutputReceiver {
  /**
   * @param offset the position of {@code bytes[from]} in the command's output stream, counted from
   *     its first byte: after a {@link JobHost#reattach} from offset {@code n}, the first call has
   *     offset {@code n}
   * @param bytes a buffer the host reuses after the call returns
   */
  void output(long offset, byte[] bytes, int from, int length);
}
