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
 */
public record BuildState(
    String id,
    String pipelineId,
    long number,
    BuildStatus status,
    ErrorCode errorCode,
    String errorMessage,
    boolean cancelRequested,
    Instant createdAt,
    Instant startedAt,
    Instant finishedAt,
    int runAttempt,
    List<JobState> jobs) {

  public BuildState {
    jobs = jobs == null ? List.of() : List.copyOf(jobs);
  }
}
