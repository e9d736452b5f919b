package dev.pipewright.executor;

/**
 * How far one step's log stream reaches into the output of the step's command, which each of its
 * chunks records ({@link LogChunk#sourceOffset}), and, for a stream that goes on from an earlier
 * worker's ({@link #resume}), which lines that worker stored already. Not thread-safe: its {@link
 * LogChunker} guards it.
 */
final class LogSource {
  /** What the next chunk cut says. */
  private long offset;

  private boolean resumed;
  private long storedThrough;
  private boolean outputEnded;

  /** A step's stream starts with nothing of the output; the job's own has no command. */
  LogSource(int stepNumber) {
    this.offset = stepNumber == 0 ? LogChunk.NO_SOURCE : 0;
  }

  /** See {@link LogChunker#resume}. */
  void resume(long storedThrough) {
    this.resumed = true;
    this.storedThrough = storedThrough;
    this.offset = storedThrough;
  }

  /** Whether the output's line ending at {@code end} is stored already. */
  boolean stored(long end) {
    return resumed && end <= storedThrough;
  }

  /** A line of the output ending at {@code end} goes into the stream. */
  void admitted(long end) {
    offset = end;
  }

  /** The output ended: what follows comes after it. */
  void outputEnded() {
    outputEnded = true;
    offset = LogChunk.AFTER_OUTPUT;
  }

  boolean hasOutputEnded() {
    return outputEnded;
  }

  /**
   * Whether a line the runner writes now was stored by the earlier worker: those before the output
   * were (it stored them before it started the command), those after it when it stored them.
   */
  boolean runnerLineStored() {
    return resumed && (!outputEnded || storedThrough == LogChunk.AFTER_OUTPUT);
  }

  long offset() {
    return offset;
  }
}
