package dev.pipewright.pipeline.reconcile;

import dev.pipewright.models.BuildStatus;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Everything {@link Reconciler#decide} looks at: the plan, the stored rows and the runner's view.
 *
 * @param jobs every job of the plan, in source order: of the jobs that may start in the same round,
 *     earlier ones take free slots first
 * @param instances every instance row of the build
 * @param observed the runner's view by instance key; an active instance missing here was lost
 * @param parallelism the most instances of this build allowed to be active at once
 * @param attempts how many times an instance may run, by what ended its earlier runs
 */
public record BuildSnapshot(
    String buildId,
    BuildStatus status,
    List<JobNode> jobs,
    List<InstanceState> instances,
    Map<String, Observation> observed,
    boolean cancelRequested,
    int parallelism,
    Attempts attempts) {

  public BuildSnapshot {
    jobs = List.copyOf(jobs);
    instances = List.copyOf(instances);
    observed = Map.copyOf(observed);
    Objects.requireNonNull(attempts, "attempts");
    if (parallelism < 1) {
      throw new IllegalArgumentException("parallelism must be at least 1");
    }
  }
}
