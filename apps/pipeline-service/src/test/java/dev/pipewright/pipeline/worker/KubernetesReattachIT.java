package dev.pipewright.pipeline.worker;

import static dev.pipewright.pipeline.worker.WorkerHarness.job;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pipewright.executor.JobRef;
import dev.pipewright.executor.JobSnapshot;
import dev.pipewright.executor.engine.EngineJobRunner;
import dev.pipewright.kubernetes.it.FakeKubelet;
import dev.pipewright.kubernetes.runner.KubeNames;
import dev.pipewright.models.BuildStatus;
import dev.pipewright.models.StepStatus;
import dev.pipewright.pipeline.orchestrator.Orchestrator;
import dev.pipewright.pipeline.reconcile.Attempts;
import dev.pipewright.store.BuildView;
import dev.pipewright.store.JobView;
import dev.pipewright.store.LogRepository;
import dev.pipewright.store.StepView;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 12 on the pod host: a worker that dies mid-step loses nothing. A worker built by hand (as
 * PipelineServiceIT's dead worker) claims the build and starts its job on the pod host, against
 * Fabric8's mock API server with libs/kubernetes's FakeKubelet (each pod's agent a local /bin/sh
 * over the test's volume), and is closed mid-step without cancelling anything, as a dying worker
 * leaves its pods; the worker that takes the build over once the lease expired re-attaches.
 */
class KubernetesReattachIT {
  private static final String NS = KubernetesMode.NS;
  private static final Duration DEADLINE = Duration.ofSeconds(30);

  @RegisterExtension final KubernetesMode k8s = new KubernetesMode();
  private final KubernetesClient client = k8s.client;
  private final WorkerHarness harness = k8s.harness;

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
    Path volume = KubernetesMode.config(harness, "successor").workspaceRoot();
    try (FakeKubelet kubelet = new FakeKubelet(client, NS, volume)) {
      UUID id = buildWhoseWorkerDiesMidStep(volume, 0);
      JobRef ref = new JobRef(id.toString(), "build");

      EngineJobRunner[] runner = new EngineJobRunner[1];
      WorkerConfig config = KubernetesMode.config(harness, "successor");
      harness.start(
          PipelineService.builder(config)
              .kubernetes(client, false)
              .runners(sink -> runner[0] = WorkerRunners.podRunner(client, config, sink))
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
    Path volume = KubernetesMode.config(harness, "successor").workspaceRoot();
    try (FakeKubelet kubelet = new FakeKubelet(client, NS, volume)) {
      UUID id = buildWhoseWorkerDiesMidStep(volume, 3);
      Files.createFile(volume.resolve("gate"));
      Path exitFile = volume.resolve(".pipewright/" + id + "/build/pod-a1/step-2.a1.exit");
      await().atMost(DEADLINE).until(() -> Files.exists(exitFile));

      k8s.worker(harness, "successor", Map.of());
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
    WorkerConfig config = KubernetesMode.config(harness, dead);
    EngineJobRunner deadRunner =
        WorkerRunners.podRunner(
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
    assertThat(k8s.jobs(id))
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
}
