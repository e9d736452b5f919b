package dev.pipewright.pipeline.worker;

import dev.pipewright.executor.LogChunk;
import dev.pipewright.executor.LogSink;
import dev.pipewright.store.LogRepository;
import java.util.UUID;

/**
 * The runner's {@link LogSink} over {@code build_logs}. Step 0 is the job's own stream, stored with
 * no step. Appends are idempotent on (build, job, step, seq); a restarted job continues each stream
 * after its last stored seq ({@code JobRun.logCursors}), so its second attempt's lines follow the
 * first attempt's and no chunk is stored twice.
 */
public final class StoreLogSink implements LogSink {
  private final LogRepository logs;

  public StoreLogSink(LogRepository logs) {
    this.logs = logs;
  }

  @Override
  public void append(LogChunk chunk) {
    logs.append(
        UUID.fromString(chunk.buildId()),
        chunk.jobKey(),
        chunk.stepNumber() == 0 ? null : chunk.stepNumber(),
        chunk.seq(),
        chunk.content());
  }
}
