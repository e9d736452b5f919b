package dev.pipewright.executor;

/**
 * How much of a build's output a {@link LogSink} keeps, in UTF-8 bytes of stored text: past a cap a
 * step goes on running and its output is still read, but no longer stored (see {@link LogLines}).
 *
 * @param stepBytes the most one step's log keeps (per attempt)
 * @param buildBytes the most all the steps of one build keep together
 */
public record LogLimits(long stepBytes, long buildBytes) {
  public static final long MIB = 1L << 20;

  /**
   * 64 MiB a step, 512 MiB a build: eight steps at their cap, far above what ordinary builds write
   * (a few MiB), while one hostile build (a 256-job matrix of 64 MiB steps would be 16 GiB) cannot
   * fill the database. The worker's configuration has the same defaults ({@code
   * PIPEWRIGHT_STEP_LOG_LIMIT}, {@code PIPEWRIGHT_BUILD_LOG_LIMIT}).
   */
  public static final LogLimits DEFAULT = new LogLimits(64 * MIB, 512 * MIB);

  public LogLimits {
    if (stepBytes < 1 || buildBytes < 1) {
      throw new IllegalArgumentException(
          "log limits must be positive: step " + stepBytes + ", build " + buildBytes);
    }
  }
}
