package dev.pipewright.cli.view;

import dev.pipewright.models.ErrorCode;
import dev.pipewright.models.JobStatus;
import java.time.Instant;
import java.util.List;

/**
 * One job instance as shown: {@code key} identifies it ({@code test.1}, what {@code logs --job}
 * takes), {@code name} is what people read ({@code Test (ubuntu-latest, 1)}).
 */
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

  /** The name when the source has one, else the key. */
  public String label() {
    return name == null || name.isBlank() ? key : name;
  }
}
