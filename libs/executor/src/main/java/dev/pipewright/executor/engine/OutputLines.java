package dev.pipewright.executor.engine;

import dev.pipewright.executor.LogLines;
import dev.pipewright.executor.host.OutputReceiver;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Turns a command's output bytes into lines: split at {@code \n} (a byte that never occurs inside a
 * UTF-8 sequence), a trailing {@code \r} dropped, decoded as UTF-8 (invalid sequences become
 * U+FFFD). A line longer than {@link #MAX_LINE_BYTES} is cut there (at a character boundary), so
 * one runaway line without a newline cannot exhaust the heap; each piece after the first starts
 * with {@link LogLines#CONTINUATION}, as the log's own split does, and no piece is longer. Each
 * line comes with the offset in the output just after it, which the log stores so a worker that
 * re-attaches to the command knows which lines are stored already. Not thread-safe: a host calls
 * its receiver from one thread.
 */
final class OutputLines implements OutputReceiver {
  static final int MAX_LINE_BYTES = LogLines.MAX_LINE_BYTES;

  private static final byte[] CONTINUATION = LogLines.CONTINUATION.getBytes(StandardCharsets.UTF_8);

  /** Where the lines go. */
  @FunctionalInterface
  interface Lines {
    /**
     * @param end the offset in the output just after the line (its newline included)
     */
    void line(String text, long end);
  }

  private final Lines lines;
  private final ByteArrayOutputStream partial = new ByteArrayOutputStream(256);

  /** The offset just after the last byte received. */
  private long seen;

  OutputLines(Lines lines) {
    this.lines = lines;
  }

  @Override
  public void output(long offset, byte[] bytes, int from, int length) {
    int start = from;
    int end = from + length;
    for (int i = from; i < end; i++) {
      if (bytes[i] == '\n') {
        emit(bytes, start, i - start, offset + (i - from) + 1);
        start = i + 1;
      } else if (partial.size() + (i - start) >= MAX_LINE_BYTES) {
        int cut = characterStart(bytes, start, i);
        emit(bytes, start, cut - start, offset + (cut - from));
        partial.write(CONTINUATION, 0, CONTINUATION.length);
        start = cut;
      }
    }
    partial.write(bytes, start, end - start);
    seen = offset + length;
  }

  /** Emits what is left after the output ended without a final newline. */
  void finish() {
    if (partial.size() > 0) {
      emit(new byte[0], 0, 0, seen);
    }
  }

  private void emit(byte[] bytes, int from, int length, long endOffset) {
    byte[] line;
    if (partial.size() == 0) {
      line = null;
    } else {
      partial.write(bytes, from, length);
      line = partial.toByteArray();
      partial.reset();
    }
    byte[] b = line == null ? bytes : line;
    int off = line == null ? from : 0;
    int len = line == null ? length : line.length;
    if (len > 0 && b[off + len - 1] == '\r') {
      len--;
    }
    lines.line(new String(b, off, len, StandardCharsets.UTF_8), endOffset);
  }

  /** The last position at or before {@code i} (and after {@code start}) that starts a character. */
  private static int characterStart(byte[] bytes, int start, int i) {
    int p = i;
    while (p > start && (bytes[p] & 0xC0) == 0x80) {
      p--;
    }
    return p == start ? i : p;
  }
}
