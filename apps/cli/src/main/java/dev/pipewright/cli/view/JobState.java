package dev.pipewright.cli.view;

import dev.pipewright.models.ErrorCode;
import dev.pipewright.models.JobStatus;
import java.time.Instant;
import java.util.List;

/** One job instance as shown; {@code key} carries the matrix cell, e.g. {@code test (1)}. */
public record JobState(
    String key,
    String name,
    JobStatus status,
    ErrorCode errorCode,
    String errorMessage,
    Instant startedAt,
    Instant finishedAt,
    List<StepState> steps) {

  public JobState {
    steps = steps == null ? List.of() : List.copyOf(steps);
  }
}
