package dev.pipewright.pipeline.worker;

import dev.pipewright.executor.LogChunk;
import dev.pipewright.executor.LogSink;
import dev.pipewright.ops.metrics.PipewrightMetrics;
import dev.pipewright.store.LogRepository;
import java.util.List;
import java.util.UUID;

/**
 * The runner's {@link LogSink} over {@code build_logs}. Step 0 is the job's own stream, stored with
 * no step. Appends are idempotent on (build, job, step, seq); a restarted job continues each stream
 * after its last stored seq ({@code JobRun.logCursors}), so its second attempt's lines follow the
 * first attempt's and no chunk is stored twice. Only chunks actually stored are counted, so a
 * re-sent chunk does not inflate {@code pipewright_log_chunks_total}.
 */
public final class StoreLogSink implements LogSink {
  private final LogRepository logs;
  private final PipewrightMetrics metrics;

  public StoreLogSink(LogRepository logs) {
    this(logs, null);
  }

  /**
   * @param metrics counts stored chunks and bytes and failed appends; null for none
   */
  public StoreLogSink(LogRepository logs, PipewrightMetrics metrics) {
    this.logs = logs;
    this.metrics = metrics;
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
                              c.content()))
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
}
