package dev.pipewright.executor;

import java.util.List;

/**
 * Where log chunks go: the {@code build_logs} table in production (idempotent on seq), memory in
 * tests. Called from runner threads, possibly concurrently for different steps.
 */
@FunctionalInterface
public interface LogSink {
  /**
   * Stores a chunk; a chunk with an already stored (build, job, step, seq) is ignored.
   *
   * @throws dev.pipewright.models.CiException TRANSIENT when storage is unavailable; the runner
   *     retries the same chunk with the same seq
   */
  void append(LogChunk chunk);

  /**
   * Stores several chunks, in order; a sink over a database does it in one round trip. All or
   * nothing: on failure the caller retries every one of them (each is idempotent).
   */
  default void appendAll(List<LogChunk> chunks) {
    chunks.forEach(this::append);
  }
}
