package dev.pipewright.cli;

import dev.pipewright.cli.view.Annotation;
import dev.pipewright.cli.view.BuildState;
import dev.pipewright.cli.view.JobState;
import dev.pipewright.cli.view.StepState;
import dev.pipewright.dag.LoadedWorkflow;
import dev.pipewright.dag.PlacedJob;
import dev.pipewright.parser.matrix.MatrixExpander;
import dev.pipewright.pipeline.orchestrator.BuildRecord;
import dev.pipewright.pipeline.orchestrator.InMemoryRunStore;
import dev.pipewright.pipeline.reconcile.InstanceState;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The rows of {@code pipewright run}'s in-memory store as the renderer's snapshots. The store keeps
 * no start times: the build's are taken here (created now, finished when first seen terminal), the
 * jobs' and steps' are observed by the renderer. Nor does it keep names: each instance's is made
 * from the workflow as the server makes it ({@code Test (ubuntu-latest, 1)}).
 */
final class LocalSnapshots {
  private final InMemoryRunStore store;
  private final LoadedWorkflow workflow;
  private final String id;
  private final Clock clock;
  private final Instant started;
  private Instant finished;

  LocalSnapshots(InMemoryRunStore store, LoadedWorkflow workflow, String id, Clock clock) {
    this.store = store;
    this.workflow = workflow;
    this.id = id;
    this.clock = clock;
    this.started = clock.instant();
  }

  private static Annotation annotation(dev.pipewright.executor.Annotation a) {
    return new Annotation(
        a.levelName(),
        a.message(),
        a.file(),
        a.line(),
        a.column(),
        a.endLine(),
        a.endColumn(),
        a.title());
  }

  BuildState snapshot() {
    BuildRecord build = store.build(id);
    List<JobState> jobs = new ArrayList<>();
    for (var job : store.jobs(id)) {
      List<StepState> steps = new ArrayList<>();
      for (InMemoryRunStore.StepRow step : store.steps(id, job.key())) {
        var result = step.result();
        steps.add(
            new StepState(
                step.number(),
                step.name(),
                step.status(),
                result == null ? null : result.exitCode(),
                result == null ? null : result.errorCode(),
                result == null ? null : result.errorMessage(),
                null,
                null,
                job.attempt(),
                result == null
                    ? List.of()
                    : result.annotations().stream().map(LocalSnapshots::annotation).toList(),
                result == null ? null : result.action(),
                result == null ? null : result.actionSha(),
                result == null ? List.of() : result.subSteps()));
      }
      jobs.add(
          new JobState(
              job.key(),
              name(job),
              job.status(),
              job.errorCode(),
              job.errorMessage(),
              null,
              job.finishedAt(),
              steps));
    }
    if (build.status().terminal() && finished == null) {
      finished = clock.instant();
    }
    return new BuildState(
        id,
        "local",
        build.number(),
        build.status(),
        store.errorCode(id),
        store.errorMessage(id),
        build.cancelRequested(),
        null,
        started,
        started,
        finished,
        1,
        jobs);
  }

  private String name(InstanceState job) {
    PlacedJob placed = workflow.jobs().get(job.jobId());
    if (placed == null) {
      return job.key();
    }
    return placed.namePrefix()
        + MatrixExpander.instanceName(
            placed.job().displayName(), job.matrix() == null ? Map.of() : job.matrix());
  }
}
