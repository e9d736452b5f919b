package dev.pipewright.kubernetes.it;

import dev.pipewright.executor.JobRef;
import dev.pipewright.executor.JobRun;
import dev.pipewright.executor.JobRunner;
import dev.pipewright.executor.JobSnapshot;
import dev.pipewright.executor.NeedResult;
import dev.pipewright.executor.RunObserver;
import dev.pipewright.kubernetes.operator.BuildProgress;
import dev.pipewright.kubernetes.operator.BuildReconciler;
import dev.pipewright.models.BuildStatus;
import dev.pipewright.models.Conclusion;
import dev.pipewright.models.JobStatus;
import dev.pipewright.parser.spec.JobSpec;
import dev.pipewright.parser.spec.WorkflowSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A hand-written stand-in for the real orchestrator: recomputes on every pass, from the runner's
 * status alone, which jobs can start (needs all succeeded) and what the build's state is. Its
 * "database" is the builds {@link #add}ed; it records which builds it was asked about.
 */
final class TestOrchestrator implements BuildReconciler {
  private final JobRunner runner;
  private final RunObserver observer;
  private final Map<String, WorkflowSpec> builds = new ConcurrentHashMap<>();
  final Set<String> cancelled = ConcurrentHashMap.newKeySet();
  final Set<String> reconciled = ConcurrentHashMap.newKeySet();
  volatile Map<String, String> secrets = Map.of();

  TestOrchestrator(JobRunner runner, RunObserver observer) {
    this.runner = runner;
    this.observer = observer;
  }

  void add(String buildId, WorkflowSpec workflow) {
    builds.put(buildId, workflow);
  }

  @Override
  public synchronized Optional<BuildProgress> reconcile(String buildId) {
    reconciled.add(buildId);
    WorkflowSpec workflow = builds.get(buildId);
    if (workflow == null) {
      return Optional.empty();
    }
    Map<String, JobStatus> states = new LinkedHashMap<>();
    Map<String, Map<String, String>> outputs = new LinkedHashMap<>();
    List<BuildProgress.JobProgress> jobs = new ArrayList<>();
    for (JobSpec job : workflow.jobs().values()) {
      JobRef ref = new JobRef(buildId, job.id());
      JobSnapshot s = runner.status(ref);
      if (s.phase() == JobSnapshot.Phase.UNKNOWN && !cancelled.contains(buildId)) {
        boolean ready = job.needs().stream().allMatch(n -> states.get(n) == JobStatus.SUCCEEDED);
        boolean blocked =
            job.needs().stream()
                .anyMatch(
                    n ->
                        states.get(n) != null
                            && states.get(n).terminal()
                            && states.get(n) != JobStatus.SUCCEEDED);
        if (ready) {
          Map<String, NeedResult> needs = new LinkedHashMap<>();
          // Started only when every need succeeded, so each is a success.
          job.needs()
              .forEach(n -> needs.put(n, new NeedResult(Conclusion.SUCCESS, outputs.get(n))));
          s =
              runner.start(
                  JobRun.builder(ref, workflow, job).needs(needs).secrets(secrets).build(),
                  observer);
        } else if (blocked) {
          states.put(job.id(), JobStatus.SKIPPED);
          jobs.add(new BuildProgress.JobProgress(job.id(), JobStatus.SKIPPED, null));
          continue;
        }
      }
      JobStatus status =
          switch (s.phase()) {
            case UNKNOWN -> cancelled.contains(buildId) ? JobStatus.CANCELLED : JobStatus.PENDING;
            case QUEUED -> JobStatus.QUEUED;
            case RUNNING -> JobStatus.RUNNING;
            case FINISHED -> s.result().status();
            case LOST -> JobStatus.FAILED;
          };
      states.put(job.id(), status);
      if (s.finished()) {
        outputs.put(job.id(), s.result().outputs());
      }
      jobs.add(
          new BuildProgress.JobProgress(
              job.id(),
              status,
              s.phase() == JobSnapshot.Phase.UNKNOWN ? null : "pw-" + buildId + "-" + job.id()));
    }
    BuildStatus build;
    if (!states.values().stream().allMatch(JobStatus::terminal)) {
      build = BuildStatus.RUNNING;
    } else if (cancelled.contains(buildId)) {
      build = BuildStatus.CANCELLED;
    } else if (states.values().stream().anyMatch(j -> j == JobStatus.FAILED)) {
      build = BuildStatus.FAILED;
    } else {
      build = BuildStatus.SUCCEEDED;
    }
    return Optional.of(
        new BuildProgress(build, jobs, build == BuildStatus.FAILED ? "a job failed" : null, 1));
  }

  @Override
  public void cancel(String buildId) {
    cancelled.add(buildId);
    runner.cancelBuild(buildId);
  }
}
