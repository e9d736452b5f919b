package dev.pipewright.executor;

import java.util.List;

/**
 * Where log chunks go: the {@code build_logs} table in production (idempotent on seq), memory in
 * tests. Called from runner threads, possibly concurrently for different steps.
 *
 * <p>A sink also says how much it keeps ({@link #limits}, {@link #budget}): every runner is handed
 * its sink, so the caps reach each step's stream ({@link LogChunker}, the Kubernetes runner's) with
 * no setting of their own. A sink that wraps another forwards both.
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

  /** The caps on what this sink keeps of a step and of a build. */
  default LogLimits limits() {
    return LogLimits.DEFAULT;
  }

  /**
   * What is left of a build's cap, one instance shared by every stream of that build. The default
   * counts nothing ({@link LogBudget#UNLIMITED}): the per-build cap needs a sink that knows what
   * its builds stored, such as one with {@link LogBudgets}.
   */
  default LogBudget budget(String buildId) {
    return LogBudget.UNLIMITED;
  }
}
