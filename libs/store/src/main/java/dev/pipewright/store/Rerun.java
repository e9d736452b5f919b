package dev.pipewright.store;

import java.util.List;
import java.util.UUID;

/** What a re-run of a finished build started: its new attempt and the instances that run again. */
public record Rerun(UUID buildId, int runAttempt, List<String> jobKeys) {
  public Rerun {
    jobKeys = List.copyOf(jobKeys);
  }
}
