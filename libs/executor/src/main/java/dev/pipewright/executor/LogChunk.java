package dev.pipewright.executor;

/**
 * A batch of log lines of one step, each line ending with {@code \n}, already masked.
 *
 * @param stepNumber 1-based step number; 0 is the job's own stream (set-up messages)
 * @param seq 1-based, gapless and increasing per (build, job, step): the store keeps the first
 *     chunk written with a given seq and ignores repeats, so a retried writer never duplicates
 * @param sourceOffset how far into the step's command output the stream has stored with this chunk:
 *     the bytes of that output whose lines are in this chunk or earlier ones ({@link #AFTER_OUTPUT}
 *     once the lines written after the output ended are in too); {@link #NO_SOURCE} for a stream no
 *     command feeds. A worker that re-attaches to a running step stores only what comes after it.
 */
public record LogChunk(
    String buildId, String jobKey, int stepNumber, long seq, String content, long sourceOffset) {

  /** The chunk's stream is fed by no command (the job's own lines). */
  public static final long NO_SOURCE = -1;

  /** The command's output ended, and the lines the runner wrote after it are stored. */
  public static final long AFTER_OUTPUT = Long.MAX_VALUE;

  /** A chunk of a stream no command feeds. */
  public LogChunk(String buildId, String jobKey, int stepNumber, long seq, String content) {
    this(buildId, jobKey, stepNumber, seq, content, NO_SOURCE);
  }
}
