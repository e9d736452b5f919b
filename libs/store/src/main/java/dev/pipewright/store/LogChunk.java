package dev.pipewright.store;

import java.util.Objects;
import java.util.UUID;

/**
 * A chunk of log output to append. A stream is (build, job key, step number): a null job key is a
 * build-level line, a null step number a job-level one. {@code seq} numbers the chunks of a stream
 * from 1; appending the same (stream, seq) twice stores it once.
 *
 * @param sourceOffset how far into its step's command output the stream has stored with this chunk
 *     (see the {@code build_logs.source_offset} column), or null for a stream fed by no command
 */
public record LogChunk(
    UUID buildId, String jobKey, Integer stepNumber, long seq, String content, Long sourceOffset) {

  /** A chunk of a stream fed by no command. */
  public LogChunk(UUID buildId, String jobKey, Integer stepNumber, long seq, String content) {
    this(buildId, jobKey, stepNumber, seq, content, null);
  }

  public LogChunk {
    Objects.requireNonNull(buildId, "buildId");
    Objects.requireNonNull(content, "content");
    if (jobKey != null && jobKey.isEmpty()) {
      throw new IllegalArgumentException("job key is empty (use null for build-level lines)");
    }
    if (jobKey == null && stepNumber != null) {
      throw new IllegalArgumentException("a step line needs its job key");
    }
    if (stepNumber != null && stepNumber < 1) {
      throw new IllegalArgumentException("step numbers start at 1: " + stepNumber);
    }
    if (seq < 1) {
      throw new IllegalArgumentException("seq starts at 1: " + seq);
    }
    if (sourceOffset != null && sourceOffset < 0) {
      throw new IllegalArgumentException("a source offset is never negative: " + sourceOffset);
    }
  }
}
