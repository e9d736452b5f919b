package dev.pipewright.pipeline.worker;

import static dev.pipewright.pipeline.worker.WorkerHarness.job;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pipewright.executor.JobRef;
import dev.pipewright.kubernetes.it.FakeKubelet;
import dev.pipewright.kubernetes.runner.KubeNames;
import dev.pipewright.models.BuildStatus;
import dev.pipewright.models.ErrorCode;
import dev.pipewright.models.JobStatus;
import dev.pipewright.models.StepStatus;
import dev.pipewright.pipelinerun.v1alpha1.Phase;
import dev.pipewright.pipelinerun.v1alpha1.PipelineRun;
import dev.pipewright.store.BuildView;
import dev.pipewright.store.JobView;
import dev.pipewright.store.StepView;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The worker in Kubernetes mode against Fabric8's mock API server in CRUD mode (with the committed
 * PipelineRun CRD) and the machine's PostgreSQL and RabbitMQ. Unless a test starts
 * libs/kubernetes's FakeKubelet (which runs each pod's agent with this machine's /bin/sh), Jobs are
 * created and never get a pod, which is enough to follow a build from its claim to its PipelineRun
 * and Jobs, and to cancel it by deleting the run while its pod is awaited.
 */
class KubernetesModeIT {
  private static final String NS = KubernetesMode.NS;
  private static final Duration DEADLINE = Duration.ofSeconds(30);
  private static final String ATTEMPT_MARKER =
      "##[warning]Attempt 2: the job runs again from its first step (attempt 1 was lost with its"
          + " worker or its host)\n";
  private static final String TWO_JOBS =
      """
      on: push
      jobs:
        compile:
          runs-on: ubuntu-latest
          steps:
            - run: echo compiling
        test:
          needs: compile
          runs-on: ubuntu-latest
          steps:
            - run: echo testing
      """;

  @RegisterExtension final KubernetesMode k8s = new KubernetesMode();
  private final KubernetesClient client = k8s.client;
  private final WorkerHarness harness = k8s.harness;

  private PipelineRun run(UUID buildId) {
    return client
        .resources(PipelineRun.class)
        .inNamespace(NS)
        .withName(PipelineRun.nameFor(buildId.toString()))
        .get();
  }

  /**
   * The worker's own runner in Kubernetes mode is the job engine on the pod host: each job runs in
   * a pod (here the FakeKubelet's, a local /bin/sh agent over the test's volume), with GitHub's
   * step semantics. GitHub's runner evaluates a step's inputs when it reaches the step
   * (actions/runner, src/Runner.Worker/ActionRunner.cs, RunAsync: EvaluateStepInputs), and
   * StepsRunner fails that step when it throws: the earlier steps have run, the later ones do not.
   */
  @Test
  void jobsRunInPodsThroughTheJobEngine() {
    // The worker's workspace root stands for its mount of the workspace volume.
    Path volume = KubernetesMode.config(harness, "worker-a").workspaceRoot();
    try (FakeKubelet kubelet = new FakeKubelet(client, NS, volume)) {
      k8s.worker("worker-a");
      UUID id =
          harness.createBuild(
              """
              on: push
              jobs:
                build:
                  runs-on: ubuntu-latest
                  steps:
                    - run: echo "::add-mask::hidden-value"; echo "before the bad step hidden-value"
                    - run: echo ${{ fromJSON('not json') }}
                    - run: echo never
                    - if: always()
                      run: echo "cleanup in $(basename "$PWD")"
              """);

      await().atMost(DEADLINE).until(() -> harness.build(id).status() == BuildStatus.FAILED);
      BuildView build = harness.build(id);
      assertThat(build.errorCode()).isEqualTo(ErrorCode.INVALID_SPEC);
      JobView job = job(build, "build");
      assertThat(job.status()).isEqualTo(JobStatus.FAILED);
      assertThat(job.steps())
          .extracting(StepView::status)
          .containsExactly(
              StepStatus.SUCCEEDED, StepStatus.FAILED, StepStatus.SKIPPED, StepStatus.SUCCEEDED);
      assertThat(harness.logText(id))
          .contains("before the bad step ***", "cleanup in build")
          .doesNotContain("hidden-value", "never");
      assertThat(kubelet.started()).isEqualTo(1);
      assertThat(k8s.jobs(id))
          .extracting(j -> j.getMetadata().getName())
          .containsExactly(KubeNames.jobName(new JobRef(id.toString(), "build"), 1));
    }
  }

  /**
   * Issue 12: a pod deleted mid-step (the kubelet double evicts it) fails the job's attempt as an
   * infrastructure error, which the worker runs again from its first step on a new pod and Job.
   * Both attempts' wait step waits for a gate file, so the test sees attempt 2's Job before it lets
   * the step finish.
   */
  @Test
  void aJobWhosePodIsDeletedMidStepRunsAgainOnANewPodAndTheBuildSucceeds() throws Exception {
    Path volume = KubernetesMode.config(harness, "worker-a").workspaceRoot();
    try (FakeKubelet kubelet = new FakeKubelet(client, NS, volume)) {
      k8s.worker(harness, "worker-a", Map.of());
      UUID id = harness.createBuild(evictedJob(volume.resolve("gate")));
      JobRef ref = new JobRef(id.toString(), "build");
      evictAttemptOne(kubelet, id, ref);

      await().atMost(DEADLINE).until(() -> harness.logText(id).contains("waiting in attempt 2"));
      assertThat(k8s.jobs(id))
          .extracting(j -> j.getMetadata().getName())
          .contains(KubeNames.jobName(ref, 2));
      Files.createFile(volume.resolve("gate"));

      BuildView build = harness.awaitStatus(id, BuildStatus.SUCCEEDED);
      JobView job = job(build, "build");
      assertThat(job.status()).isEqualTo(JobStatus.SUCCEEDED);
      assertThat(job.attempt()).isEqualTo(2);
      assertThat(job.errorCode()).isNull();
      assertThat(job.steps()).extracting(StepView::status).containsOnly(StepStatus.SUCCEEDED);
      assertThat(job.steps()).extracting(StepView::attempt).containsOnly(2);
      assertThat(kubelet.started()).isEqualTo(2);

      String logs = harness.logText(id);
      assertThat(logs).containsOnlyOnce(ATTEMPT_MARKER);
      String first = logs.substring(0, logs.indexOf(ATTEMPT_MARKER));
      String second = logs.substring(logs.indexOf(ATTEMPT_MARKER));
      assertThat(first).contains("checked out", "waiting in attempt 1").doesNotContain("later");
      for (String line : List.of("checked out", "waiting in attempt 2", "gate open", "later")) {
        assertThat(second).as(line).containsOnlyOnce(line + "\n");
      }
    }
  }

  /** With no infrastructure retries the evicted job fails at once, with the pod's error. */
  /**
   * A re-run on the pod host: the failed job runs as attempt 2 in a Job of its own, the job that
   * succeeded is not run again, and the finished PipelineRun mirrors the new attempt to its end.
   */
  @Test
  void aRerunOfAFailedBuildRunsTheFailedJobInANewJobAndThePipelineRunFollowsIt() throws Exception {
    Path volume = KubernetesMode.config(harness, "worker-a").workspaceRoot();
    try (FakeKubelet kubelet = new FakeKubelet(client, NS, volume)) {
      k8s.worker("worker-a");
      Path gate = volume.resolve("rerun-gate-" + UUID.randomUUID());
      UUID id =
          harness.createBuild(
              """
              on: push
              jobs:
                first:
                  runs-on: ubuntu-latest
                  steps:
                    - run: echo "first ran"
                flaky:
                  needs: first
                  runs-on: ubuntu-latest
                  steps:
                    - run: "[ -e '%s' ] || { echo no gate; exit 1; }"
              """
                  .formatted(gate));
      harness.awaitStatus(id, BuildStatus.FAILED);
      await().atMost(DEADLINE).until(() -> phase(id) == Phase.Failed);
      Files.createFile(gate);

      harness.builds.rerun(id, true, Map.of());
      harness.relayOnce();

      BuildView build = harness.awaitStatus(id, BuildStatus.SUCCEEDED);
      assertThat(build.runAttempt()).isEqualTo(2);
      assertThat(job(build, "first").attempt()).isEqualTo(1);
      assertThat(job(build, "flaky").attempt()).isEqualTo(2);
      // A new attempt's Job replaces the earlier one's, as after a lost pod.
      assertThat(k8s.jobs(id))
          .extracting(j -> j.getMetadata().getName())
          .containsExactlyInAnyOrder(
              KubeNames.jobName(new JobRef(id.toString(), "first"), 1),
              KubeNames.jobName(new JobRef(id.toString(), "flaky"), 2));
      assertThat(harness.logText(id)).containsOnlyOnce("first ran");
      await().atMost(DEADLINE).until(() -> phase(id) == Phase.Succeeded);
      assertThat(run(id).getSpec().runAttempt()).isEqualTo(2);
      assertThat(run(id).getStatus().getRunAttempt()).isEqualTo(2);
    }
  }

  @Test
  void withoutRetriesAJobWhosePodIsDeletedFailsWithTheInfrastructureError() throws Exception {
    Path volume = KubernetesMode.config(harness, "worker-a").workspaceRoot();
    try (FakeKubelet kubelet = new FakeKubelet(client, NS, volume)) {
      k8s.worker(harness, "worker-a", Map.of("PIPEWRIGHT_WORKER_INFRASTRUCTURE_RETRIES", "0"));
      UUID id = harness.createBuild(evictedJob(volume.resolve("gate")));
      JobRef ref = new JobRef(id.toString(), "build");
      evictAttemptOne(kubelet, id, ref);

      BuildView build = harness.awaitStatus(id, BuildStatus.FAILED);
      assertThat(build.errorCode()).isEqualTo(ErrorCode.INFRASTRUCTURE);
      JobView job = job(build, "build");
      assertThat(job.status()).isEqualTo(JobStatus.FAILED);
      assertThat(job.errorCode()).isEqualTo(ErrorCode.INFRASTRUCTURE);
      // The pod as the cluster named it (after its Job), not the Job. Whether the worker saw the
      // pod gone or its agent's SIGTERM first, either message is the infrastructure's.
      assertThat(job.errorMessage()).contains("pod " + KubeNames.jobName(ref, 1) + "-");
      assertThat(job.attempt()).isEqualTo(1);
      assertThat(job.steps().get(2).status()).isNotEqualTo(StepStatus.SUCCEEDED);
      assertThat(harness.logText(id)).doesNotContain("Attempt 2", "gate open", "later");
      assertThat(kubelet.started()).isEqualTo(1);
      assertThat(k8s.jobs(id))
          .extracting(j -> j.getMetadata().getName())
          .doesNotContain(KubeNames.jobName(ref, 2));
    }
  }

  /** A job whose second step prints its attempt, then waits for {@code gate}. */
  private static String evictedJob(Path gate) {
    return """
        on: push
        jobs:
          build:
            runs-on: ubuntu-latest
            steps:
              - run: echo "checked out"
              - run: |
                  echo "waiting in attempt ${{ github.run_attempt }}"
                  while [ ! -e "%s" ]; do sleep 0.1; done
                  echo "gate open"
              - run: echo "later"
        """
        .formatted(gate);
  }

  /** Deletes the pod of the job's attempt 1 once its wait step's first line is stored. */
  private void evictAttemptOne(FakeKubelet kubelet, UUID id, JobRef ref) {
    await().atMost(DEADLINE).until(() -> harness.logText(id).contains("waiting in attempt 1"));
    kubelet.deletePod(KubeNames.jobName(ref, 1));
  }

  @Test
  void aClaimedBuildGetsItsPipelineRunAndJobsAndDeletingTheRunCancelsIt() {
    k8s.worker("worker-a");
    // A second replica: its operator sees the same runs, but must leave worker-a's build alone.
    k8s.worker("worker-b");
    UUID id = harness.createBuild(TWO_JOBS);

    await()
        .atMost(DEADLINE)
        .until(
            () -> {
              PipelineRun run = run(id);
              return run != null && run.getStatus() != null ? run.getStatus().getPhase() : null;
            },
            phase -> phase == Phase.Running);
    await().atMost(DEADLINE).until(() -> k8s.jobs(id).size() == 1);
    BuildView running = harness.build(id);
    String owner = running.leaseOwner();
    assertThat(owner).isIn("worker-a", "worker-b");
    assertThat(running.attempt()).isEqualTo(1);
    assertThat(k8s.jobs(id))
        .extracting(j -> j.getMetadata().getName())
        .containsExactly(KubeNames.jobName(new JobRef(id.toString(), "compile"), 1));
    PipelineRun run = run(id);
    assertThat(run.getSpec().getBuildId()).isEqualTo(id.toString());
    assertThat(run.getSpec().getPipelineId()).isEqualTo("it");
    await()
        .atMost(DEADLINE)
        .until(() -> run(id).getStatus().getJobs(), jobs -> jobs != null && jobs.size() == 2);
    assertThat(run(id).getStatus().getJobs())
        .extracting(j -> j.getKey() + "=" + j.getState())
        // The engine runs the job from its start: its pod is awaited, no step has started.
        .containsExactly("compile=RUNNING", "test=PENDING");

    client
        .resources(PipelineRun.class)
        .inNamespace(NS)
        .withName(run.getMetadata().getName())
        .delete();

    await().atMost(DEADLINE).until(() -> harness.build(id).status() == BuildStatus.CANCELLED);
    BuildView cancelled = harness.build(id);
    assertThat(cancelled.errorCode()).isEqualTo(ErrorCode.CANCELLED);
    assertThat(cancelled.leaseOwner()).isEqualTo(owner);
    assertThat(job(cancelled, "compile").status()).isEqualTo(JobStatus.CANCELLED);
    assertThat(job(cancelled, "test").status()).isEqualTo(JobStatus.CANCELLED);
    await().atMost(DEADLINE).until(() -> k8s.jobs(id).isEmpty() && run(id) == null);
  }

  /**
   * A second installation (its own database) in the same namespace, as a real cluster showed: its
   * operator used to rewrite every PipelineRun of the first to "Failed: no build ... in the
   * database". Each installation labels its objects and watches only its own.
   */
  @Test
  void aSecondInstallationInTheNamespaceLeavesTheFirstOnesRunsAlone() throws Exception {
    k8s.worker("worker-a");
    UUID first = harness.createBuild(TWO_JOBS);
    await()
        .atMost(DEADLINE)
        .until(() -> phase(first) == Phase.Running && k8s.jobs(first).size() == 1);

    try (WorkerHarness other = new WorkerHarness()) {
      k8s.worker(other, "worker-b", Map.of());
      UUID second = other.createBuild(TWO_JOBS);
      await().atMost(DEADLINE).until(() -> phase(second) == Phase.Running);

      String installation = KubernetesMode.config(harness, "x").kubernetes().installation();
      String otherInstallation = KubernetesMode.config(other, "x").kubernetes().installation();
      assertThat(installation).isNotEqualTo(otherInstallation);
      assertThat(run(first).getMetadata().getLabels())
          .containsEntry(KubeNames.INSTALLATION_LABEL, installation);
      assertThat(run(second).getMetadata().getLabels())
          .containsEntry(KubeNames.INSTALLATION_LABEL, otherInstallation);
      assertThat(k8s.jobs(first))
          .allSatisfy(
              j ->
                  assertThat(j.getMetadata().getLabels())
                      .containsEntry(KubeNames.INSTALLATION_LABEL, installation));
      await()
          .during(Duration.ofSeconds(1))
          .atMost(DEADLINE)
          .until(() -> phase(first) == Phase.Running && k8s.jobs(first).size() == 1);
      assertThat(run(first).getStatus().getMessage()).isNull();

      // Deleting the second installation's run cancels its build, and only that one.
      client
          .resources(PipelineRun.class)
          .inNamespace(NS)
          .withName(PipelineRun.nameFor(second.toString()))
          .delete();
      await().atMost(DEADLINE).until(() -> other.build(second).status() == BuildStatus.CANCELLED);
      assertThat(harness.build(first).status()).isEqualTo(BuildStatus.RUNNING);
      assertThat(phase(first)).isEqualTo(Phase.Running);
    }
  }

  private Phase phase(UUID buildId) {
    PipelineRun run = run(buildId);
    return run == null || run.getStatus() == null ? null : run.getStatus().getPhase();
  }
}
