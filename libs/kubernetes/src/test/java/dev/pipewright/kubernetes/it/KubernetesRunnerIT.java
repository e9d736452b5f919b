package dev.pipewright.kubernetes.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pipewright.executor.InMemoryLogSink;
import dev.pipewright.executor.JobRef;
import dev.pipewright.executor.JobRun;
import dev.pipewright.executor.JobSnapshot;
import dev.pipewright.executor.LogChunk;
import dev.pipewright.executor.LogSink;
import dev.pipewright.executor.StepResult;
import dev.pipewright.kubernetes.MockApi;
import dev.pipewright.kubernetes.PipelineRuns;
import dev.pipewright.kubernetes.operator.PipelineRunOperator;
import dev.pipewright.kubernetes.operator.PipelineRunReconciler;
import dev.pipewright.kubernetes.runner.KubeNames;
import dev.pipewright.kubernetes.runner.KubernetesJobRunner;
import dev.pipewright.kubernetes.runner.KubernetesRunnerConfig;
import dev.pipewright.models.ErrorCode;
import dev.pipewright.models.JobStatus;
import dev.pipewright.models.StepStatus;
import dev.pipewright.parser.WorkflowParser;
import dev.pipewright.parser.spec.WorkflowSpec;
import dev.pipewright.pipelinerun.v1alpha1.Phase;
import dev.pipewright.pipelinerun.v1alpha1.PipelineRun;
import dev.pipewright.pipelinerun.v1alpha1.PipelineRunSpec;
import dev.pipewright.pipelinerun.v1alpha1.PipelineRunStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Whole builds through the Kubernetes runner and the PipelineRun reconciler against Fabric8's mock
 * API server in CRUD mode; {@link FakeKubelet} runs the pods' step containers for real.
 */
class KubernetesRunnerIT {
  static final String NS = "ci";
  static final Duration WAIT = Duration.ofSeconds(30);
  static final String INSTALLATION = "it";

  @TempDir Path tmp;
  MockApi api;
  KubernetesClient runnerClient;
  KubernetesClient operatorClient;
  KubernetesClient testClient;
  final AtomicLong runnerWrites = new AtomicLong();
  final AtomicLong operatorWrites = new AtomicLong();
  final List<LogChunk> appended = new CopyOnWriteArrayList<>();
  final InMemoryLogSink store = new InMemoryLogSink();
  final LogSink sink =
      c -> {
        appended.add(c);
        store.append(c);
      };
  FakeKubelet kubelet;
  ScheduledExecutorService kubeletLoop;
  final KubernetesRunnerConfig config =
      config(INSTALLATION, KubernetesRunnerConfig.DEFAULT_CANCEL_GRACE);

  static KubernetesRunnerConfig config(String installation, Duration cancelGrace) {
    return new KubernetesRunnerConfig(
        NS,
        installation,
        "workspace",
        "debian:bookworm-slim",
        Map.of(),
        Duration.ofMinutes(10),
        1001,
        null,
        null,
        null,
        null,
        Duration.ofMillis(100),
        cancelGrace);
  }

  @BeforeEach
  void start() {
    api = new MockApi();
    runnerClient = api.client(runnerWrites);
    operatorClient = api.client(operatorWrites);
    testClient = api.client();
    kubelet = new FakeKubelet(testClient, NS, tmp);
    kubeletLoop = Executors.newSingleThreadScheduledExecutor();
    kubeletLoop.scheduleWithFixedDelay(kubelet::sync, 20, 20, TimeUnit.MILLISECONDS);
  }

  @AfterEach
  void stop() {
    kubeletLoop.shutdownNow();
    kubelet.close();
    runnerClient.close();
    operatorClient.close();
    testClient.close();
    api.close();
  }

  static final String BUILD_AND_TEST =
      """
      on: push
      jobs:
        build:
          runs-on: ubuntu-latest
          outputs:
            version: ${{ steps.v.outputs.version }}
          steps:
            - name: Compile
              run: |
                echo compiling
                echo done
            - id: v
              run: echo "version=1.2.3" >> "$GITHUB_OUTPUT"
            - name: Flaky
              id: flaky
              run: exit 1
              continue-on-error: true
            - name: Reads steps
              if: steps.flaky.outcome == 'failure'
              env:
                V: ${{ steps.v.outputs.version }}
              run: echo "got $V ${{ steps.flaky.conclusion }} ${{ secrets.TOKEN }}"
        test:
          needs: build
          runs-on: ubuntu-latest
          steps:
            - run: echo "testing ${{ needs.build.outputs.version }} with $TOKEN"
              env:
                TOKEN: ${{ secrets.TOKEN }}
            - run: exit 2
            - name: Never
              run: echo never
            - name: Report
              if: failure()
              run: echo report
      """;

  @Test
  void aWholeBuildThroughTheReconcilerAndTheRunner() {
    String buildId = UUID.randomUUID().toString();
    WorkflowSpec workflow = new WorkflowParser().parse(BUILD_AND_TEST, "ci.yml");
    RecordingObserver observer = new RecordingObserver();
    try (KubernetesJobRunner runner =
        new KubernetesJobRunner(runnerClient, config, sink, kubelet)) {
      TestOrchestrator orchestrator = new TestOrchestrator(runner, observer);
      orchestrator.secrets = Map.of("TOKEN", "hunter2");
      orchestrator.add(buildId, workflow);
      try (PipelineRunOperator op = operator(orchestrator)) {
        PipelineRuns.ensure(testClient, NS, INSTALLATION, new PipelineRunSpec(buildId));
        PipelineRunStatus status = awaitPhase(buildId, Phase.Failed);

        assertThat(status.getProgress()).isEqualTo("2/2");
        assertThat(status.getJobs())
            .extracting(j -> j.getKey() + "=" + j.getState())
            .containsExactly("build=SUCCEEDED", "test=FAILED");
        assertThat(status.getConditions())
            .extracting(c -> c.getType() + "=" + c.getStatus())
            .containsExactly("Finished=True", "Succeeded=False");
        assertThat(status.getObservedGeneration()).isEqualTo(1L);
      }
      assertThat(observer.of("build"))
          .containsExactly(
              "build started",
              "build step 1 started",
              "build step 1 SUCCEEDED",
              "build step 2 started",
              "build step 2 SUCCEEDED",
              "build step 3 started",
              "build step 3 SUCCEEDED",
              "build step 4 started",
              "build step 4 SUCCEEDED",
              "build SUCCEEDED");
      assertThat(observer.of("test"))
          .containsExactly(
              "test started",
              "test step 1 started",
              "test step 1 SUCCEEDED",
              "test step 2 started",
              "test step 2 FAILED",
              "test step 3 SKIPPED",
              "test step 4 started",
              "test step 4 SUCCEEDED",
              "test FAILED");
      assertThat(observer.results.get("build").outputs()).containsEntry("version", "1.2.3");
      assertThat(observer.steps.get("build/3").outcome()).isEqualTo("failure");
      assertThat(observer.steps.get("build/3").conclusion()).isEqualTo("success");
      assertThat(observer.steps.get("test/2").exitCode()).isEqualTo(2);

      JobRef build = new JobRef(buildId, "build");
      JobRef test = new JobRef(buildId, "test");
      assertThat(store.text(build, 1)).isEqualTo("compiling\ndone\n");
      assertThat(store.text(build, 4)).isEqualTo("got 1.2.3 success ***\n");
      assertThat(store.text(test, 1)).isEqualTo("testing 1.2.3 with ***\n");
      assertThat(store.text(test, 4)).isEqualTo("report\n");
      assertThat(store.text(test, 3)).isEmpty();
      assertThat(appended).noneMatch(c -> c.content().contains("hunter2"));
      assertNoChunkWrittenTwice();
      // The secret is a key of the build Secret of its own; no script, env file or Job holds it.
      Map<String, String> data =
          testClient
              .secrets()
              .inNamespace(NS)
              .withName(KubeNames.secretName(buildId))
              .get()
              .getData();
      Map<String, String> decoded = new HashMap<>();
      data.forEach(
          (k, v) ->
              decoded.put(k, new String(Base64.getDecoder().decode(v), StandardCharsets.UTF_8)));
      assertThat(decoded).containsValue("hunter2");
      decoded.forEach(
          (k, v) -> {
            if (k.endsWith(".script") || k.endsWith("env")) {
              assertThat(v).as(k).doesNotContain("hunter2");
            }
          });
      assertThat(
              testClient.batch().v1().jobs().inNamespace(NS).list().getItems().stream()
                  .map(Serialization::asYaml))
          .isNotEmpty()
          .noneMatch(yaml -> yaml.contains("hunter2"));
    }
    // Two writes per job: the build Secret's entries and the Job.
    assertThat(runnerWrites.get()).isEqualTo(4);
  }

  @Test
  void deletingThePipelineRunCancelsTheBuild() {
    String buildId = UUID.randomUUID().toString();
    WorkflowSpec workflow =
        slowJob(
            """
            - run: echo first
            - name: Wait
              run: echo waiting
            - name: After
              run: echo after
            """);
    kubelet.hold("step-2-wait");
    RecordingObserver observer = new RecordingObserver();
    try (KubernetesJobRunner runner =
        new KubernetesJobRunner(runnerClient, config, sink, kubelet)) {
      TestOrchestrator orchestrator = new TestOrchestrator(runner, observer);
      orchestrator.add(buildId, workflow);
      try (PipelineRunOperator op = operator(orchestrator)) {
        PipelineRuns.ensure(testClient, NS, INSTALLATION, new PipelineRunSpec(buildId));
        await().atMost(WAIT).until(() -> observer.events.contains("slow step 2 started"));
        testClient
            .resources(PipelineRun.class)
            .inNamespace(NS)
            .withName(PipelineRun.nameFor(buildId))
            .delete();
        await().atMost(WAIT).until(() -> observer.results.containsKey("slow"));
        await().atMost(WAIT).until(() -> BuildObjects.run(testClient, NS, buildId) == null);
      }
      assertThat(orchestrator.cancelled).contains(buildId);
      assertThat(observer.results.get("slow").status()).isEqualTo(JobStatus.CANCELLED);
      assertThat(observer.of("slow"))
          .containsExactly(
              "slow started",
              "slow step 1 started",
              "slow step 1 SUCCEEDED",
              "slow step 2 started",
              "slow step 2 CANCELLED",
              "slow step 3 CANCELLED",
              "slow CANCELLED");
      assertThat(BuildObjects.jobs(testClient, NS, buildId)).isEmpty();
      assertThat(runner.status(new JobRef(buildId, "slow")).result().status())
          .isEqualTo(JobStatus.CANCELLED);
    } finally {
      kubelet.release("step-2-wait");
    }
  }

  @Test
  void aRestartedWorkerReattachesWithoutDuplicatingTheJobOrALogChunk() {
    String buildId = UUID.randomUUID().toString();
    WorkflowSpec workflow =
        new WorkflowParser()
            .parse(
                """
        on: push
        jobs:
          long:
            runs-on: ubuntu-latest
            steps:
              - name: Before
                run: |
                  echo line 1
                  echo line 2
              - name: Across
                run: echo across the restart
              - name: After
                run: echo after
        """,
                "ci.yml");
    PipelineRuns.ensure(testClient, NS, INSTALLATION, new PipelineRunSpec(buildId));
    JobRef ref = new JobRef(buildId, "long");
    kubelet.hold("step-2-across");
    RecordingObserver first = new RecordingObserver();
    KubernetesJobRunner old = new KubernetesJobRunner(runnerClient, config, sink, kubelet);
    old.start(JobRun.builder(ref, workflow, workflow.job("long")).build(), first);
    await().atMost(WAIT).until(() -> first.events.contains("long step 2 started"));
    old.detach();

    Map<Integer, Long> cursors = new HashMap<>();
    for (int step = 1; step <= 3; step++) {
      List<LogChunk> chunks = store.chunks(ref, step);
      cursors.put(step, chunks.isEmpty() ? 0L : chunks.getLast().seq());
    }
    assertThat(cursors.get(1)).isPositive();
    RecordingObserver second = new RecordingObserver();
    try (KubernetesJobRunner successor =
        new KubernetesJobRunner(runnerClient, config, sink, kubelet)) {
      JobSnapshot attached =
          successor.attach(
              JobRun.builder(ref, workflow, workflow.job("long")).logCursors(cursors).build(),
              second);
      assertThat(attached.phase()).isEqualTo(JobSnapshot.Phase.RUNNING);
      assertThat(
              successor
                  .start(JobRun.builder(ref, workflow, workflow.job("long")).build(), second)
                  .phase())
          .isNotEqualTo(JobSnapshot.Phase.UNKNOWN);
      kubelet.release("step-2-across");
      await().atMost(WAIT).until(() -> second.results.containsKey("long"));
      assertThat(second.results.get("long").status()).isEqualTo(JobStatus.SUCCEEDED);
      assertThat(second.steps.get("long/3").status()).isEqualTo(StepStatus.SUCCEEDED);
    }
    assertThat(
            testClient
                .batch()
                .v1()
                .jobs()
                .inNamespace(NS)
                .withLabel(KubeNames.BUILD_LABEL, buildId)
                .list()
                .getItems())
        .hasSize(1);
    assertThat(store.text(ref, 1)).isEqualTo("line 1\nline 2\n");
    assertThat(store.text(ref, 2)).isEqualTo("across the restart\n");
    assertThat(store.text(ref, 3)).isEqualTo("after\n");
    assertNoChunkWrittenTwice();
  }

  static final String CANCEL_WORKFLOW =
      """
      on: push
      jobs:
        slow:
          runs-on: ubuntu-latest
          steps:
            - run: echo first
            - name: Wait
              run: |
                echo waiting
                sleep 120
            - name: After
              run: echo after
            - name: Clean up
              if: always()
              run: echo cleaning up
            - name: On cancel
              if: cancelled()
              run: echo cancelled
            - name: On failure
              if: failure()
              run: echo failed
      """;

  /** A workflow with one job, {@code slow}: {@code steps} (an unindented YAML list). */
  static WorkflowSpec slowJob(String steps) {
    return new WorkflowParser()
        .parse(
            """
            on: push
            jobs:
              slow:
                runs-on: ubuntu-latest
                steps:
            """
                + steps.indent(6),
            "ci.yml");
  }

  /**
   * Job {@code slow}: a step "Wait" that runs until it is cancelled, then the {@code always()} step
   * "Clean up", whose other keys {@code cleanUp} gives (YAML, unindented).
   */
  static WorkflowSpec waitThenCleanUp(String cleanUp) {
    return slowJob(
        """
        - name: Wait
          run: |
            echo waiting
            sleep 120
        - name: Clean up
          if: always()
        """
            + cleanUp.indent(2));
  }

  @Test
  void aCancelKillsTheRunningStepAndTheJobStillRunsItsAlwaysAndCancelledSteps() {
    String buildId = UUID.randomUUID().toString();
    WorkflowSpec workflow = new WorkflowParser().parse(CANCEL_WORKFLOW, "ci.yml");
    JobRef ref = new JobRef(buildId, "slow");
    String jobName = KubeNames.jobName(ref, 1);
    RecordingObserver observer = new RecordingObserver();
    try (KubernetesJobRunner runner =
        new KubernetesJobRunner(runnerClient, config, sink, kubelet)) {
      runner.start(JobRun.builder(ref, workflow, workflow.job("slow")).build(), observer);
      awaitOutput(jobName, KubeNames.containerName(2, "Wait"), "waiting");
      String untracked = predecessorsJob(buildId);
      runner.cancelBuild(buildId);
      // Kept for its clean-up steps; the pod learns of the cancel from its annotation.
      assertThat(job(jobName)).isNotNull();
      assertThat(job(untracked)).as("a Job of the build this worker does not track").isNull();
      assertThat(pod(jobName).getMetadata().getAnnotations())
          .containsKey(KubeNames.CANCEL_ANNOTATION);

      await().atMost(WAIT).until(() -> observer.results.containsKey("slow"));
      assertThat(observer.of("slow"))
          .containsExactly(
              "slow started",
              "slow step 1 started",
              "slow step 1 SUCCEEDED",
              "slow step 2 started",
              "slow step 2 CANCELLED",
              "slow step 3 CANCELLED",
              "slow step 4 started",
              "slow step 4 SUCCEEDED",
              "slow step 5 started",
              "slow step 5 SUCCEEDED",
              "slow step 6 CANCELLED",
              "slow CANCELLED");
      assertThat(observer.results.get("slow").errorCode()).isEqualTo(ErrorCode.CANCELLED);
      StepResult killed = observer.steps.get("slow/2");
      assertThat(killed.outcome()).isEqualTo("cancelled");
      assertThat(killed.exitCode()).as("killed, not run to its end").isNotNull().isNotZero();
      assertThat(observer.steps.get("slow/3").exitCode()).as("never started").isNull();
      assertThat(store.text(ref, 2)).contains("waiting", "##[error]The operation was canceled.");
      assertThat(store.text(ref, 3)).isEmpty();
      assertThat(store.text(ref, 4)).isEqualTo("cleaning up\n");
      assertThat(store.text(ref, 5)).isEqualTo("cancelled\n");
      assertThat(store.text(ref, 6)).isEmpty();
      assertThat(runner.status(ref).result().status()).isEqualTo(JobStatus.CANCELLED);
      // The pod ended by itself: its Job was never deleted. The simulated Job controller may mark
      // it only after the runner has seen the pod end.
      await()
          .atMost(WAIT)
          .until(
              () ->
                  job(jobName).getStatus() != null
                      && !job(jobName).getStatus().getConditions().isEmpty());
      assertThat(job(jobName).getStatus().getConditions())
          .extracting(c -> c.getType())
          .containsExactly("Failed");
    }
  }

  @Test
  void aCancelWithNoStepLeftThatRunsAfterItDeletesTheJobAtOnce() {
    String buildId = UUID.randomUUID().toString();
    WorkflowSpec workflow =
        slowJob(
            """
            - name: Wait
              run: echo waiting
            - name: After
              run: echo after
            - name: On failure
              if: failure()
              run: echo failed
            """);
    JobRef ref = new JobRef(buildId, "slow");
    String jobName = KubeNames.jobName(ref, 1);
    kubelet.hold("step-1-wait");
    RecordingObserver observer = new RecordingObserver();
    try (KubernetesJobRunner runner =
        new KubernetesJobRunner(runnerClient, config, sink, kubelet)) {
      runner.start(JobRun.builder(ref, workflow, workflow.job("slow")).build(), observer);
      await().atMost(WAIT).until(() -> observer.events.contains("slow step 1 started"));
      long writes = runnerWrites.get();
      runner.cancel(ref);
      assertThat(job(jobName)).isNull();
      assertThat(runnerWrites.get() - writes).as("the Job's deletion, no pod patch").isEqualTo(1);
      await().atMost(WAIT).until(() -> observer.results.containsKey("slow"));
      assertThat(observer.of("slow"))
          .containsExactly(
              "slow started",
              "slow step 1 started",
              "slow step 1 CANCELLED",
              "slow step 2 CANCELLED",
              "slow step 3 CANCELLED",
              "slow CANCELLED");
      assertThat(pod(jobName).getMetadata().getAnnotations())
          .doesNotContainKey(KubeNames.CANCEL_ANNOTATION);
    } finally {
      kubelet.release("step-1-wait");
    }
  }

  @Test
  void theJobOfACancelledJobIsDeletedWhenItsCleanUpOutlastsTheGracePeriod() {
    String buildId = UUID.randomUUID().toString();
    WorkflowSpec workflow = waitThenCleanUp("run: echo cleaning up");
    JobRef ref = new JobRef(buildId, "slow");
    String jobName = KubeNames.jobName(ref, 1);
    Duration grace = Duration.ofSeconds(3);
    kubelet.hold("step-2-clean-up");
    RecordingObserver observer = new RecordingObserver();
    try (KubernetesJobRunner runner =
        new KubernetesJobRunner(runnerClient, config(INSTALLATION, grace), sink, kubelet)) {
      runner.start(JobRun.builder(ref, workflow, workflow.job("slow")).build(), observer);
      awaitOutput(jobName, KubeNames.containerName(1, "Wait"), "waiting");
      long cancelled = System.nanoTime();
      runner.cancel(ref);
      await().atMost(WAIT).until(() -> observer.events.contains("slow step 2 started"));
      assertThat(job(jobName)).as("kept while the clean-up runs").isNotNull();

      await().atMost(WAIT).until(() -> observer.results.containsKey("slow"));
      assertThat(Duration.ofNanos(System.nanoTime() - cancelled)).isGreaterThanOrEqualTo(grace);
      assertThat(job(jobName)).isNull();
      assertThat(observer.of("slow"))
          .containsExactly(
              "slow started",
              "slow step 1 started",
              "slow step 1 CANCELLED",
              "slow step 2 started",
              "slow step 2 CANCELLED",
              "slow CANCELLED");
    } finally {
      kubelet.release("step-2-clean-up");
    }
  }

  @Test
  void releasingACancelledBuildLetsItsCleanUpFinishBeforeDeletingItsJobsAndSecret() {
    String buildId = UUID.randomUUID().toString();
    WorkflowSpec workflow =
        waitThenCleanUp(
            """
            env:
              TOKEN: ${{ secrets.TOKEN }}
            run: echo "cleaning up with $TOKEN"
            """);
    JobRef ref = new JobRef(buildId, "slow");
    String jobName = KubeNames.jobName(ref, 1);
    RecordingObserver observer = new RecordingObserver();
    try (KubernetesJobRunner runner =
        new KubernetesJobRunner(runnerClient, config, sink, kubelet)) {
      runner.start(
          JobRun.builder(ref, workflow, workflow.job("slow"))
              .secrets(Map.of("TOKEN", "hunter2"))
              .build(),
          observer);
      awaitOutput(jobName, KubeNames.containerName(1, "Wait"), "waiting");
      // What the orchestrator does when a build is cancelled: cancel, then release it.
      runner.cancel(ref);
      runner.releaseBuild(buildId);
      assertThat(job(jobName)).isNotNull();
      assertThat(secret(buildId)).as("the clean-up step reads it").isNotNull();

      await().atMost(WAIT).until(() -> observer.results.containsKey("slow"));
      assertThat(observer.results.get("slow").status()).isEqualTo(JobStatus.CANCELLED);
      assertThat(observer.steps.get("slow/2").status()).isEqualTo(StepStatus.SUCCEEDED);
      assertThat(store.text(ref, 2)).isEqualTo("cleaning up with ***\n");
      await().atMost(WAIT).until(() -> secret(buildId) == null && job(jobName) == null);
      assertThat(runner.status(ref).phase()).isEqualTo(JobSnapshot.Phase.UNKNOWN);
    }
  }

  @Test
  void aWorkerAttachingAfterACancelReportsTheJobCancelledOnceItsCleanUpRan() {
    String buildId = UUID.randomUUID().toString();
    WorkflowSpec workflow = new WorkflowParser().parse(CANCEL_WORKFLOW, "ci.yml");
    JobRef ref = new JobRef(buildId, "slow");
    JobRun run = JobRun.builder(ref, workflow, workflow.job("slow")).build();
    String jobName = KubeNames.jobName(ref, 1);
    kubelet.hold("step-4-clean-up");
    RecordingObserver first = new RecordingObserver();
    KubernetesJobRunner old = new KubernetesJobRunner(runnerClient, config, sink, kubelet);
    try {
      old.start(run, first);
      awaitOutput(jobName, KubeNames.containerName(2, "Wait"), "waiting");
      old.cancel(ref);
      await().atMost(WAIT).until(() -> first.events.contains("slow step 4 started"));
      old.detach();

      RecordingObserver second = new RecordingObserver();
      try (KubernetesJobRunner successor =
          new KubernetesJobRunner(runnerClient, config, sink, kubelet)) {
        assertThat(successor.attach(run, second).phase()).isEqualTo(JobSnapshot.Phase.RUNNING);
        kubelet.release("step-4-clean-up");
        await().atMost(WAIT).until(() -> second.results.containsKey("slow"));
        assertThat(second.results.get("slow").status()).isEqualTo(JobStatus.CANCELLED);
        assertThat(second.steps.get("slow/2").status()).isEqualTo(StepStatus.CANCELLED);
        assertThat(second.steps.get("slow/4").status()).isEqualTo(StepStatus.SUCCEEDED);
        assertThat(second.steps.get("slow/5").status()).isEqualTo(StepStatus.SUCCEEDED);
        assertThat(second.steps.get("slow/6").status()).isEqualTo(StepStatus.CANCELLED);
      }
    } finally {
      old.detach();
      kubelet.release("step-4-clean-up");
    }
  }

  /**
   * Waits until the step is inside its script (the stored log only gets a line once the next one or
   * the step's end closes its chunk).
   */
  private void awaitOutput(String jobName, String container, String text) {
    await()
        .atMost(WAIT)
        .until(() -> kubelet.read(NS, jobName + "-abcde", container).contains(text));
  }

  /**
   * A Job of the build as an earlier worker of this installation left it (not run: no managed-by
   * label).
   */
  private String predecessorsJob(String buildId) {
    String name = "pw-" + buildId + "-other";
    testClient
        .batch()
        .v1()
        .jobs()
        .inNamespace(NS)
        .resource(
            new io.fabric8.kubernetes.api.model.batch.v1.JobBuilder()
                .withNewMetadata()
                .withName(name)
                .addToLabels(KubeNames.INSTALLATION_LABEL, INSTALLATION)
                .addToLabels(KubeNames.BUILD_LABEL, buildId)
                .addToLabels(KubeNames.JOB_NAME_LABEL, name)
                .endMetadata()
                .withNewSpec()
                .withNewTemplate()
                .withNewSpec()
                .addNewContainer()
                .withName("c")
                .withImage("debian:bookworm-slim")
                .endContainer()
                .withRestartPolicy("Never")
                .endSpec()
                .endTemplate()
                .endSpec()
                .build())
        .create();
    return name;
  }

  private io.fabric8.kubernetes.api.model.Secret secret(String buildId) {
    return testClient.secrets().inNamespace(NS).withName(KubeNames.secretName(buildId)).get();
  }

  private io.fabric8.kubernetes.api.model.batch.v1.Job job(String name) {
    return testClient.batch().v1().jobs().inNamespace(NS).withName(name).get();
  }

  private io.fabric8.kubernetes.api.model.Pod pod(String jobName) {
    return testClient.pods().inNamespace(NS).withName(jobName + "-abcde").get();
  }

  /** Every (job, step, seq) reached the sink once: no re-sent chunk, hence no duplicate line. */
  private void assertNoChunkWrittenTwice() {
    assertThat(
            appended.stream()
                .map(c -> c.buildId() + "/" + c.jobKey() + "/" + c.stepNumber() + "/" + c.seq()))
        .doesNotHaveDuplicates();
  }

  private PipelineRunOperator operator(TestOrchestrator orchestrator) {
    return PipelineRunOperator.start(
        operatorClient,
        NS,
        new PipelineRunReconciler(
            orchestrator, INSTALLATION, Clock.systemUTC(), Duration.ofMillis(300)),
        false);
  }

  private PipelineRunStatus awaitPhase(String buildId, Phase phase) {
    return BuildObjects.awaitPhase(testClient, NS, buildId, phase, WAIT);
  }
}
