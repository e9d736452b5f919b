package dev.pipewright.pipeline.worker;

import dev.pipewright.executor.LogBudget;
import dev.pipewright.executor.LogBudgets;
import dev.pipewright.executor.LogChunk;
import dev.pipewright.executor.LogLimits;
import dev.pipewright.executor.LogSink;
import dev.pipewright.ops.metrics.PipewrightMetrics;
import dev.pipewright.store.LogRepository;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * The runner's {@link LogSink} over {@code build_logs}. Step 0 is the job's own stream, stored with
 * no step. Appends are idempotent on (build, job, step, seq); a restarted job continues each stream
 * after its last stored seq ({@code JobRun.logCursors}), so its second attempt's lines follow the
 * first attempt's and no chunk is stored twice. Only chunks actually stored are counted, so a
 * re-sent chunk does not inflate {@code pipewright_log_chunks_total}.
 *
 * <p>It keeps at most {@link #limits} of a step and of a build: a build's budget starts from the
 * bytes its log already holds in the database, so the attempts of a build run again after its
 * worker died share one cap.
 */
public final class StoreLogSink implements LogSink {
  private final LogRepository logs;
  private final PipewrightMetrics metrics;
  private final LogLimits limits;
  private final LogBudgets budgets;

  /** With the default limits and no metrics. */
  public StoreLogSink(LogRepository logs) {
    this(logs, null, LogLimits.DEFAULT);
  }

  /**
   * @param metrics counts stored chunks and bytes and failed appends; null for none
   */
  public StoreLogSink(LogRepository logs, PipewrightMetrics metrics, LogLimits limits) {
    this.logs = logs;
    this.metrics = metrics;
    this.limits = Objects.requireNonNull(limits);
    this.budgets = new LogBudgets(limits.buildBytes(), id -> logs.storedBytes(UUID.fromString(id)));
  }

  @Override
  public void append(LogChunk chunk) {
    appendAll(List.of(chunk));
  }

  /** All the chunks in one statement and one transaction. */
  @Override
  public void appendAll(List<LogChunk> chunks) {
    LogRepository.Appended stored;
    try {
      stored =
          logs.appendAll(
              chunks.stream()
                  .map(
                      c ->
                          new dev.pipewright.store.LogChunk(
                              UUID.fromString(c.buildId()),
                              c.jobKey(),
                              c.stepNumber() == 0 ? null : c.stepNumber(),
                              c.seq(),
                              c.content(),
                              c.sourceOffset() == LogChunk.NO_SOURCE ? null : c.sourceOffset()))
                  .toList());
    } catch (RuntimeException e) {
      if (metrics != null) {
        metrics.databaseError("append_logs");
      }
      throw e;
    }
    if (stored.chunks() > 0 && metrics != null) {
      metrics.logChunksWritten(stored.chunks(), stored.bytes());
    }
  }

  @Override
  public LogLimits limits() {
    return limits;
  }

  @Override
  public LogBudget budget(String buildId) {
    return budgets.of(buildId);
  }
}
