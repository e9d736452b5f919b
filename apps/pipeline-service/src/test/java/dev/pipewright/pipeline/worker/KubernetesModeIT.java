package dev.pipewright.pipeline.worker;

import static dev.pipewright.pipeline.worker.WorkerHarness.job;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pipewright.executor.JobRef;
import dev.pipewright.executor.JobSnapshot;
import dev.pipewright.executor.engine.EngineJobRunner;
import dev.pipewright.kubernetes.MockApi;
import dev.pipewright.kubernetes.it.FakeKubelet;
import dev.pipewright.kubernetes.runner.KubeNames;
import dev.pipewright.models.BuildStatus;
import dev.pipewright.models.ErrorCode;
import dev.pipewright.models.JobStatus;
import dev.pipewright.models.StepStatus;
import dev.pipewright.pipeline.orchestrator.Orchestrator;
import dev.pipewright.pipeline.reconcile.Attempts;
import dev.pipewright.pipelinerun.v1alpha1.Phase;
import dev.pipewright.pipelinerun.v1alpha1.PipelineRun;
import dev.pipewright.store.BuildView;
import dev.pipewright.store.JobView;
import dev.pipewright.store.LogRepository;
import dev.pipewright.store.StepView;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The worker in Kubernetes mode against Fabric8's mock API server in CRUD mode (with the committed
 * PipelineRun CRD) and the machine's PostgreSQL and RabbitMQ. Unless a test starts
 * libs/kubernetes's FakeKubelet (which runs each pod's agent with this machine's /bin/sh), Jobs are
 * created and never get a pod, which is enough to follow a build from its claim to its PipelineRun
 * and Jobs, and to cancel it by deleting the run while its pod is awaited.
 */
class KubernetesModeIT {
  private static final String NS = "ci";
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

  private MockApi api;
  private KubernetesClient client;
  private WorkerHarness harness;

  @BeforeEach
  void setUp() throws Exception {
    api = new MockApi();
    client = api.client();
    harness = new WorkerHarness();
  }

  @AfterEach
  void tearDown() throws Exception {
    harness.close();
    client.close();
    api.close();
  }

  private PipelineService worker(String id) {
    return worker(harness, id, Map.of());
  }

  /**
   * A worker of the installation whose database is {@code installation}'s, with {@code env}'s
   * variables over the Kubernetes mode's.
   */
  private PipelineService worker(WorkerHarness installation, String id, Map<String, String> env) {
    WorkerConfig config = kubernetesConfig(installation, id, env);
    return installation.start(PipelineService.builder(config).kubernetes(client, false).build());
  }

  private static WorkerConfig kubernetesConfig(WorkerHarness installation, String id) {
    return kubernetesConfig(installation, id, Map.of());
  }

  private static WorkerConfig kubernetesConfig(
      WorkerHarness installation, String id, Map<String, String> env) {
    Map<String, String> variables = new HashMap<>(env);
    variables.put("PIPEWRIGHT_EXECUTOR", "kubernetes");
    variables.put("PIPEWRIGHT_K8S_NAMESPACE", NS);
    variables.put("PIPEWRIGHT_K8S_WORKSPACE_CLAIM", "workspace");
    return installation.config(id, variables);
  }

  private PipelineRun run(UUID buildId) {
    return client
        .resources(PipelineRun.class)
        .inNamespace(NS)
        .withName(PipelineRun.nameFor(buildId.toString()))
        .get();
  }

  private List<Job> jobs(UUID buildId) {
    return client
        .batch()
        .v1()
        .jobs()
        .inNamespace(NS)
        .withLabel(KubeNames.BUILD_LABEL, KubeNames.labelValue(buildId.toString()))
        .list()
        .getItems();
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
    Path volume = kubernetesConfig(harness, "worker-a").workspaceRoot();
    try (FakeKubelet kubelet = new FakeKubelet(client, NS, volume)) {
      worker("worker-a");
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
      assertThat(jobs(id))
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
    Path volume = kubernetesConfig(harness, "worker-a").workspaceRoot();
    try (FakeKubelet kubelet = new FakeKubelet(client, NS, volume)) {
      worker(harness, "worker-a", Map.of());
      UUID id = harness.createBuild(evictedJob(volume.resolve("gate")));
      JobRef ref = new JobRef(id.toString(), "build");
      evictAttemptOne(kubelet, id, ref);

      await().atMost(DEADLINE).until(() -> harness.logText(id).contains("waiting in attempt 2"));
      assertThat(jobs(id))
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
  @Test
  void withoutRetriesAJobWhosePodIsDeletedFailsWithTheInfrastructureError() throws Exception {
    Path volume = kubernetesConfig(harness, "worker-a").workspaceRoot();
    try (FakeKubelet kubelet = new FakeKubelet(client, NS, volume)) {
      worker(harness, "worker-a", Map.of("PIPEWRIGHT_WORKER_INFRASTRUCTURE_RETRIES", "0"));
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
      assertThat(jobs(id))
          .extracting(j -> j.getMetadata().getName())
          .doesNotContain(KubeNames.jobName(ref, 2));
    }
  }

  /**
   * Issue 12: a worker that dies mid-step on the pod host loses nothing. The first worker starts
   * the job and is closed mid-step without a word to its pod, as a dying worker leaves it; the
   * successor that takes the build over re-attaches to the running step from the job's checkpoint
   * and goes on in attempt 1: every line once, no attempt marker, the state the earlier steps
   * handed on (GITHUB_ENV, GITHUB_PATH, outputs, masks, a mask the running step added before the
   * first worker died) intact, the step's own exit code.
   */
  @Test
  void aSuccessorReattachesToTheStepRunningInItsPodAndTheBuildSucceedsOnAttemptOne()
      throws Exception {
    Path volume = kubernetesConfig(harness, "successor").workspaceRoot();
    try (FakeKubelet kubelet = new FakeKubelet(client, NS, volume)) {
      UUID id = buildWhoseWorkerDiesMidStep(volume, 0);
      JobRef ref = new JobRef(id.toString(), "build");

      EngineJobRunner[] runner = new EngineJobRunner[1];
      WorkerConfig config = kubernetesConfig(harness, "successor");
      harness.start(
          PipelineService.builder(config)
              .kubernetes(client, false)
              .runners(sink -> runner[0] = PipelineService.podRunner(client, config, sink))
              .build());
      // The successor follows the step while it still runs, then lets it finish.
      await()
          .atMost(DEADLINE)
          .until(
              () -> runner[0] != null ? runner[0].status(ref) : null,
              s -> s != null && s.phase() == JobSnapshot.Phase.RUNNING && s.currentStep() == 2);
      Files.createFile(volume.resolve("gate"));

      BuildView build = harness.awaitStatus(id, BuildStatus.SUCCEEDED);
      assertReattached(build, kubelet, id);
      assertThat(job(build, "build").steps().get(1).exitCode()).isZero();
      assertThat(harness.logText(id)).contains("long step: success\n");
    }
  }

  /**
   * A step that ended while no worker watched it is recorded as it ended, with its own exit code
   * and its whole log, and the job goes on from there.
   */
  @Test
  void aStepThatEndedWhileNoWorkerRanIsRecordedWithItsExitCodeAndItsWholeLog() throws Exception {
    Path volume = kubernetesConfig(harness, "successor").workspaceRoot();
    try (FakeKubelet kubelet = new FakeKubelet(client, NS, volume)) {
      UUID id = buildWhoseWorkerDiesMidStep(volume, 3);
      Files.createFile(volume.resolve("gate"));
      Path exitFile = volume.resolve(".pipewright/" + id + "/build/pod-a1/step-2.a1.exit");
      await().atMost(DEADLINE).until(() -> Files.exists(exitFile));

      worker(harness, "successor", Map.of());
      BuildView build = harness.awaitStatus(id, BuildStatus.SUCCEEDED);
      // continue-on-error: the step failed, its conclusion is success.
      StepView ended = job(build, "build").steps().get(1);
      assertThat(ended.status()).isEqualTo(StepStatus.SUCCEEDED);
      assertThat(ended.exitCode()).isEqualTo(3);
      assertThat(harness.logText(id))
          .containsOnlyOnce("##[error]Process completed with exit code 3.\n")
          .contains("long step: failure\n");
      assertReattached(build, kubelet, id);
    }
  }

  /**
   * A job of three steps: the first hands state on, the second (id {@code long}) adds a mask,
   * prints 20 lines, waits for {@code gate}, prints 20 more and ends with {@code exit}
   * (continue-on-error, so the third step still runs after a failure), the third shows the state.
   */
  private static String reattachedJob(Path gate, int exit) {
    return """
        on: push
        jobs:
          build:
            runs-on: ubuntu-latest
            steps:
              - id: first
                run: |
                  echo "::add-mask::first-step-secret"
                  echo "FROM_ENV=set by the first step" >> "$GITHUB_ENV"
                  echo "/opt/first-step-bin" >> "$GITHUB_PATH"
                  echo "answer=42" >> "$GITHUB_OUTPUT"
              - id: long
                continue-on-error: true
                run: |
                  echo "::add-mask::mid-step-secret"
                  i=1
                  while [ $i -le 20 ]; do echo "line $i"; i=$((i+1)); done
                  while [ ! -e "%s" ]; do sleep 0.05; done
                  echo "after the gate mid-step-secret"
                  while [ $i -le 40 ]; do echo "line $i"; i=$((i+1)); done
                  echo "answer=from-long" >> "$GITHUB_OUTPUT"
                  exit %d
              - run: |
                  echo "env: $FROM_ENV"
                  case "$PATH" in /opt/first-step-bin:*) echo "path kept";; esac
                  echo "outputs: ${{ steps.first.outputs.answer }} ${{ steps.long.outputs.answer }}"
                  echo "masked: first-step-secret"
                  echo "long step: ${{ steps.long.outcome }}"
        """
        .formatted(gate, exit);
  }

  /**
   * A build of {@link #reattachedJob} (its gate in {@code volume}) whose worker claims it, starts
   * its job, and once 20 lines of the second step are stored is closed without cancelling anything,
   * as a worker that dies leaves its pods; its lease has run out on return.
   */
  private UUID buildWhoseWorkerDiesMidStep(Path volume, int exit) throws Exception {
    UUID id = harness.createBuild(reattachedJob(volume.resolve("gate"), exit));
    String dead = "dead-worker";
    assertThat(harness.takeAllBuildMessages()).isEqualTo(1);
    assertThat(harness.builds.claim(id, dead, Duration.ofSeconds(1))).isTrue();
    WorkerConfig config = kubernetesConfig(harness, dead);
    EngineJobRunner deadRunner =
        PipelineService.podRunner(
            client, config, new StoreLogSink(new LogRepository(harness.database.dsl())));
    Orchestrator deadOrchestrator =
        new Orchestrator(
            new JdbcRunStore(harness.database.dsl(), dead), deadRunner, 4, new Attempts(3, 3));
    deadOrchestrator.reconcile(id.toString());
    await().atMost(DEADLINE).until(() -> harness.logText(id).contains("line 20\n"));
    deadOrchestrator.forgetAll();
    deadRunner.close();
    await().atMost(DEADLINE).until(() -> harness.builds.expiredLeases(10).contains(id));
    return id;
  }

  /** Attempt 1 throughout, on its one pod, every line once and the state handed on. */
  private void assertReattached(BuildView build, FakeKubelet kubelet, UUID id) {
    JobRef ref = new JobRef(id.toString(), "build");
    JobView job = job(build, "build");
    assertThat(job.attempt()).isEqualTo(1);
    assertThat(job.steps()).extracting(StepView::attempt).containsOnly(1);
    assertThat(kubelet.started()).isEqualTo(1);
    assertThat(jobs(id))
        .extracting(j -> j.getMetadata().getName())
        .containsExactly(KubeNames.jobName(ref, 1));
    String logs = harness.logText(id);
    assertThat(logs)
        .doesNotContain("Attempt 2", "first-step-secret", "mid-step-secret")
        .contains(
            "after the gate ***\n",
            "env: set by the first step\n",
            "path kept\n",
            "outputs: 42 from-long\n",
            "masked: ***\n");
    for (int i = 1; i <= 40; i++) {
      assertThat(logs).as("line " + i).containsOnlyOnce("line " + i + "\n");
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
    worker("worker-a");
    // A second replica: its operator sees the same runs, but must leave worker-a's build alone.
    worker("worker-b");
    UUID id = harness.createBuild(TWO_JOBS);

    await()
        .atMost(DEADLINE)
        .until(
            () -> {
              PipelineRun run = run(id);
              return run != null && run.getStatus() != null ? run.getStatus().getPhase() : null;
            },
            phase -> phase == Phase.Running);
    await().atMost(DEADLINE).until(() -> jobs(id).size() == 1);
    BuildView running = harness.build(id);
    String owner = running.leaseOwner();
    assertThat(owner).isIn("worker-a", "worker-b");
    assertThat(running.attempt()).isEqualTo(1);
    assertThat(jobs(id))
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
    await().atMost(DEADLINE).until(() -> jobs(id).isEmpty() && run(id) == null);
  }

  /**
   * A second installation (its own database) in the same namespace, as a real cluster showed: its
   * operator used to rewrite every PipelineRun of the first to "Failed: no build ... in the
   * database". Each installation labels its objects and watches only its own.
   */
  @Test
  void aSecondInstallationInTheNamespaceLeavesTheFirstOnesRunsAlone() throws Exception {
    worker("worker-a");
    UUID first = harness.createBuild(TWO_JOBS);
    await().atMost(DEADLINE).until(() -> phase(first) == Phase.Running && jobs(first).size() == 1);

    try (WorkerHarness other = new WorkerHarness()) {
      worker(other, "worker-b", Map.of());
      UUID second = other.createBuild(TWO_JOBS);
      await().atMost(DEADLINE).until(() -> phase(second) == Phase.Running);

      String installation = kubernetesConfig(harness, "x").kubernetes().installation();
      String otherInstallation = kubernetesConfig(other, "x").kubernetes().installation();
      assertThat(installation).isNotEqualTo(otherInstallation);
      assertThat(run(first).getMetadata().getLabels())
          .containsEntry(KubeNames.INSTALLATION_LABEL, installation);
      assertThat(run(second).getMetadata().getLabels())
          .containsEntry(KubeNames.INSTALLATION_LABEL, otherInstallation);
      assertThat(jobs(first))
          .allSatisfy(
              j ->
                  assertThat(j.getMetadata().getLabels())
                      .containsEntry(KubeNames.INSTALLATION_LABEL, installation));
      await()
          .during(Duration.ofSeconds(1))
          .atMost(DEADLINE)
          .until(() -> phase(first) == Phase.Running && jobs(first).size() == 1);
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
