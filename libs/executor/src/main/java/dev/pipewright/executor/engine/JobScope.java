package dev.pipewright.executor.engine;

import dev.pipewright.executor.JobRun;
import dev.pipewright.executor.LogChunker;
import dev.pipewright.executor.LogSink;
import dev.pipewright.executor.SecretMasker;
import dev.pipewright.executor.host.JobHost;

/**
 * What every part of the engine shares while one job attempt runs: the run, its host, the settings,
 * where its logs go, its masker (which {@code ::add-mask::} extends) and its cancellation.
 */
record JobScope(
    JobRun run,
    JobHost host,
    EngineSettings settings,
    LogSink sink,
    LogTicker ticker,
    SecretMasker masker,
    Cancellation cancellation) {

  /**
   * A log stream of the job: step {@code number}'s, or the job's own (0), numbering its chunks
   * after those an earlier worker stored.
   */
  LogChunker log(int number) {
    return new LogChunker(
        sink,
        run.ref(),
        number,
        run.logCursor(number),
        masker,
        settings.logMaxChars(),
        settings.logMaxDelay(),
        System::nanoTime,
        LogChunker.VIRTUAL_THREADS,
        LogChunker.DEFAULT_ATTEMPTS);
  }
}
