package dev.pipewright.cli.view;

import dev.pipewright.models.BuildStatus;
import dev.pipewright.models.ErrorCode;
import java.time.Instant;
import java.util.List;

/**
 * What the CLI shows of a build, whichever source it came from: the API's {@code Build} message or
 * the in-memory store of {@code pipewright run}. Times are null when the source does not know them.
 *
 * @param errorCode null when the build did not fail
 * @param cancelReason what the cancel request said; null when none did or the source has none
 */
public record BuildState(
    String id,
    String pipelineId,
    long number,
    BuildStatus status,
    ErrorCode errorCode,
    String errorMessage,
    boolean cancelRequested,
    String cancelReason,
    Instant createdAt,
    Instant startedAt,
    Instant finishedAt,
    int runAttempt,
    List<JobState> jobs) {

  public BuildState {
    jobs = jobs == null ? List.of() : List.copyOf(jobs);
  }

  /** The id as the CLI shows it: its first 8 characters, which every command accepts back. */
  public String shortId() {
    return id.length() > 8 ? id.substring(0, 8) : id;
  }
}
