package dev.pipewright.kubernetes.pod;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pipewright.executor.GitRepos;
import dev.pipewright.executor.InMemoryLogSink;
import dev.pipewright.executor.JobRef;
import dev.pipewright.executor.JobRun;
import dev.pipewright.executor.JobSnapshot;
import dev.pipewright.executor.engine.EngineJobRunner;
import dev.pipewright.executor.host.HostCommand;
import dev.pipewright.executor.host.HostProcess;
import dev.pipewright.executor.host.JobHost;
import dev.pipewright.executor.host.OutputReceiver;
import dev.pipewright.executor.parity.ParitySuite.Recorder;
import dev.pipewright.kubernetes.runner.KubeNames;
import dev.pipewright.models.ErrorCode;
import dev.pipewright.models.JobStatus;
import dev.pipewright.models.StepStatus;
import dev.pipewright.parser.WorkflowParser;
import dev.pipewright.parser.spec.WorkflowSpec;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pod host against Fabric8's mock API server with the {@link
 * dev.pipewright.kubernetes.it.FakeKubelet}: what the parity suite does not show (the Job it
 * creates, re-attach by a successor worker, a pod deleted under a running step, parallel checkouts
 * into workspaces of their own, API writes).
 */
class PodHostIT {
  private static final AtomicInteger BUILDS = new AtomicInteger();
  private static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir Path root;
  private final InMemoryLogSink sink = new InMemoryLogSink();
  private MockPods pods;
  private EngineJobRunner runner;

  @BeforeEach
  void start() {
    pods = new MockPods(root);
    runner = pods.runner(sink);
  }

  /**
   * A worker of its own starts the job and, once its first step printed {@code line}, leaves it
   * running (closed, as a worker that dies leaves its pods).
   */
  private void leaveMidStep(JobRun run, String line) {
    leaveMidStep(run, 1, line);
  }

  /** {@link #leaveMidStep(JobRun, String)} once step {@code step} printed {@code line}. */
  private void leaveMidStep(JobRun run, int step, String line) {
    try (EngineJobRunner first = otherWorker()) {
      first.start(run, new Recorder());
      await().atMost(WAIT).until(() -> sink.text(run.ref(), step).contains(line));
    }
  }

  /** A worker of its own on the same API server and volume, as a second worker process has. */
  private EngineJobRunner otherWorker() {
    return pods.runner(
        new PodHostFactory(pods.client, MockPods.config(), root, "pipewright-it"), sink);
  }

  @AfterEach
  void stop() {
    runner.close();
  }

  private static JobRun run(String buildId, String yaml, String job) {
    WorkflowSpec wf = new WorkflowParser().parse(yaml, "ci.yml");
    return JobRun.builder(new JobRef(buildId, job), wf, wf.job(job)).build();
  }

  private Job job(String name) {
    return pods.client.batch().v1().jobs().inNamespace(MockPods.NAMESPACE).withName(name).get();
  }

  private static String build() {
    return "pod" + BUILDS.incrementAndGet();
  }

  @Test
  void theJobIsOnePodOfTheJobsImageWithItsOwnDirectoriesAndNoToken() {
    String buildId = build();
    JobRun run =
        run(
            buildId,
            """
            on: push
            jobs:
              test:
                runs-on: ubuntu-latest
                container: busybox:1.36
                timeout-minutes: 7
                steps:
                  - run: echo "in $(basename "$PWD") as $(id -u)"
            """,
            "test");
    Recorder rec = new Recorder();
    runner.start(run, rec);
    await().atMost(WAIT).until(() -> rec.result != null);
    assertThat(rec.result.status()).as(sink.jobText(run.ref())).isEqualTo(JobStatus.SUCCEEDED);

    Job job = job(KubeNames.jobName(run.ref(), 1));
    assertThat(job.getMetadata().getLabels())
        .containsEntry(KubeNames.INSTALLATION_LABEL, MockPods.INSTALLATION)
        .containsEntry(KubeNames.BUILD_LABEL, buildId);
    assertThat(job.getMetadata().getOwnerReferences()).singleElement();
    assertThat(job.getSpec().getBackoffLimit()).isZero();
    assertThat(job.getSpec().getActiveDeadlineSeconds())
        .isEqualTo(Duration.ofMinutes(7).plus(PodManifests.DEADLINE_MARGIN).toSeconds());
    var pod = job.getSpec().getTemplate().getSpec();
    assertThat(pod.getAutomountServiceAccountToken()).isFalse();
    assertThat(pod.getContainers()).singleElement();
    var c = pod.getContainers().getFirst();
    assertThat(c.getImage()).isEqualTo("busybox:1.36");
    assertThat(c.getCommand()).startsWith("/bin/sh", "-c");
    assertThat(c.getEnv()).as("nothing of the job in the spec").isNullOrEmpty();
    assertThat(c.getVolumeMounts())
        .extracting(m -> m.getSubPath())
        .containsExactly(buildId + "/test", ".pipewright/" + buildId + "/test");
    assertThat(sink.text(run.ref(), 1)).startsWith("in test as ");
    runner.releaseBuild(buildId);
  }

  /**
   * The worker dies mid-step; its successor's host finds the command by id and reads its log from
   * the offset the first one had delivered: every line once, and the command's own exit code.
   */
  @Test
  void aSuccessorReattachesToARunningCommandFromItsOffset() throws Exception {
    String buildId = build();
    JobRun run =
        run(
            buildId,
            "on: push\njobs:\n  test:\n    runs-on: x\n    steps:\n      - run: 'true'\n",
            "test");
    JobHost first = pods.open(run);
    first.prepare();
    Path go = root.resolve("go-" + buildId);
    String script =
        "i=1; while [ $i -le 40 ]; do echo line $i; [ $i = 10 ] && while [ ! -e "
            + go
            + " ]; do sleep 0.05; done; i=$((i+1)); done; exit 7";
    ByteArrayOutputStream before = new ByteArrayOutputStream();
    long[] delivered = new long[1];
    OutputReceiver firstOut =
        (offset, bytes, from, length) -> {
          before.write(bytes, from, length);
          delivered[0] = offset + length;
        };
    HostProcess p =
        first.start(
            new HostCommand(
                "step-1.a1",
                List.of("/bin/sh", "-c", script),
                first.baseEnvironment(),
                first.paths().workspace()),
            firstOut);
    await()
        .atMost(WAIT)
        .until(
            () -> {
              p.waitFor(Duration.ZERO);
              return before.toString(StandardCharsets.UTF_8).contains("line 10\n");
            });
    // The first worker is gone: nothing of it runs any more. Its successor has a factory of its
    // own on the same API server and volume.
    try (PodHostFactory successor =
        new PodHostFactory(pods.client, MockPods.config(), root, "pipewright-it")) {
      JobHost second = successor.open(run);
      assertThat(successor.startedBefore(run)).isTrue();
      second.prepare();
      ByteArrayOutputStream after = new ByteArrayOutputStream();
      HostProcess again =
          second
              .reattach("step-1.a1", delivered[0], (o, b, f, l) -> after.write(b, f, l))
              .orElseThrow();
      Files.writeString(go, "");
      OptionalInt exit = again.waitFor(WAIT);
      again.drain(Duration.ZERO);
      assertThat(exit).hasValue(7);
      String all = before.toString(StandardCharsets.UTF_8) + after.toString(StandardCharsets.UTF_8);
      assertThat(all)
          .isEqualTo(
              String.join(
                  "", IntStream.rangeClosed(1, 40).mapToObj(i -> "line " + i + "\n").toList()));
      assertThat(second.reattach("step-9.a1", 0, (o, b, f, l) -> {})).isEmpty();
      second.release();
    }
    pods.releaseBuild(buildId);
  }

  /**
   * A worker that leaves a job mid-step (closed, as one that dies) leaves its command running and
   * the job's checkpoint on the volume; a successor takes the job over only from a checkpoint it
   * can trust and a log that says how far it reaches. Otherwise the job is lost, and the
   * orchestrator runs it again as a new attempt: never resumed on a state it did not have.
   */
  @Test
  void aJobWhoseCheckpointOrLogCannotBeTrustedIsLostNotResumed() throws Exception {
    String buildId = build();
    Path gate = root.resolve("gate-" + buildId);
    JobRun run =
        run(
            buildId,
            """
            on: push
            jobs:
              test:
                runs-on: x
                steps:
                  - run: echo waiting; while [ ! -e "%s" ]; do sleep 0.05; done
            """
                .formatted(gate),
            "test");
    leaveMidStep(run, "waiting");
    Path checkpoint = root.resolve(".pipewright/" + buildId + "/test/checkpoint.a1.json");
    assertThat(checkpoint).exists();
    assertThat(Files.readString(checkpoint)).contains("\"commandId\":\"step-1.a1\"");

    try (EngineJobRunner successor = otherWorker()) {
      // Chunks of the running step are stored, but the log does not say how far they reach.
      JobRun unsourced =
          JobRun.builder(run.ref(), run.workflow(), run.job()).logCursors(Map.of(1, 1L)).build();
      assertThat(successor.attach(unsourced, new Recorder()).phase())
          .isEqualTo(JobSnapshot.Phase.LOST);
      // Cut short, as a worker killed while writing it leaves it.
      Files.writeString(checkpoint, "{\"format\":1,\"job\":");
      assertThat(successor.attach(run, new Recorder()).phase()).isEqualTo(JobSnapshot.Phase.LOST);
      Files.delete(checkpoint);
      assertThat(successor.attach(run, new Recorder()).phase()).isEqualTo(JobSnapshot.Phase.LOST);
    }
    // The step never ended under either worker, and nothing started it again.
    assertThat(sink.text(run.ref(), 1)).isEqualTo("waiting\n");
    assertThat(pods.kubelet.started()).isEqualTo(1);
    pods.releaseBuild(buildId);
  }

  /**
   * A successor runs the post steps its predecessor's steps registered, with what their main stages
   * saved (STATE_*): the checkpoint keeps both. (Before, they went with the worker: a cache an
   * actions/cache step restored was never saved.) A composite action's post step, which runs its
   * inner actions' posts, is not made again, and the job's log says so.
   */
  @Test
  void aSuccessorRunsThePostStepsItsPredecessorsStepsRegistered() throws Exception {
    String buildId = build();
    Path gate = root.resolve("gate-" + buildId);
    JobRun run =
        run(
            buildId,
            """
            on: push
            jobs:
              test:
                runs-on: x
                steps:
                  - run: |
                      mkdir -p post-action
                      cat > post-action/action.yml <<'EOF'
                      runs:
                        using: node20
                        main: main.js
                        post: post.js
                      EOF
                      cat > post-action/main.js <<'EOF'
                      require('fs').appendFileSync(process.env.GITHUB_STATE, 'saved=by main\\n');
                      console.log('main ran');
                      EOF
                      cat > post-action/post.js <<'EOF'
                      console.log('post ran, saved ' + process.env.STATE_saved);
                      EOF
                      mkdir -p wrap
                      cat > wrap/action.yml <<'EOF'
                      runs:
                        using: composite
                        steps:
                          - uses: ./post-action
                      EOF
                  - uses: ./post-action
                  - name: wrapped
                    uses: ./wrap
                  - run: echo waiting; while [ ! -e "%s" ]; do sleep 0.05; done
            """
                .formatted(gate),
            "test");
    leaveMidStep(run, 4, "waiting");
    assertThat(sink.text(run.ref(), 2)).contains("main ran");

    Recorder rec = new Recorder();
    try (EngineJobRunner successor = otherWorker()) {
      JobRun again =
          JobRun.builder(run.ref(), run.workflow(), run.job())
              .logCursors(Map.of(4, 1L))
              .logSources(Map.of(4, (long) "waiting\n".length()))
              .build();
      assertThat(successor.attach(again, rec).phase()).isNotEqualTo(JobSnapshot.Phase.LOST);
      Files.writeString(gate, "");
      await().atMost(WAIT).until(() -> rec.result != null);
    }
    assertThat(rec.result.status()).as(sink.jobText(run.ref())).isEqualTo(JobStatus.SUCCEEDED);
    assertThat(rec.addedNames).containsExactly(Map.entry(5, "Post Run ./post-action"));
    assertThat(sink.text(run.ref(), 5)).contains("post ran, saved by main");
    // The composite action's post runs its inner actions' posts, whose inputs and env are gone.
    assertThat(sink.text(run.ref(), 0))
        .contains(
            "##[warning]Post wrapped does not run: it runs the post steps of the actions inside a"
                + " composite one");
    pods.releaseBuild(buildId);
  }

  /**
   * The job's pod is lost with its node while no worker runs (its agent killed without a word, its
   * pod object gone): the successor that re-attaches fails the job as an infrastructure failure,
   * which the orchestrator runs again, rather than waiting for a pod that will never answer.
   */
  @Test
  void aSuccessorFindingThePodLostWithItsNodeFailsTheJobAsInfrastructure() throws Exception {
    String buildId = build();
    JobRun run =
        run(
            buildId,
            "on: push\njobs:\n  test:\n    runs-on: x\n    steps:\n"
                + "      - run: echo started; sleep 60\n",
            "test");
    leaveMidStep(run, "started");
    // The node goes: every process of the pod dies at once, and the pod leaves the API server.
    pods.kubelet.close();
    pods.client
        .pods()
        .inNamespace(MockPods.NAMESPACE)
        .withLabel(KubeNames.JOB_NAME_LABEL, KubeNames.jobName(run.ref(), 1))
        .delete();

    Recorder rec = new Recorder();
    try (EngineJobRunner successor = otherWorker()) {
      JobRun again =
          JobRun.builder(run.ref(), run.workflow(), run.job())
              .logCursors(Map.of(1, 1L))
              .logSources(Map.of(1, (long) "started\n".length()))
              .build();
      assertThat(successor.attach(again, rec).phase()).isNotEqualTo(JobSnapshot.Phase.LOST);
      await().atMost(WAIT).until(() -> rec.result != null);
    }
    assertThat(rec.result.status()).isEqualTo(JobStatus.FAILED);
    assertThat(rec.result.errorCode()).isEqualTo(ErrorCode.INFRASTRUCTURE);
    assertThat(rec.result.errorMessage()).contains("was deleted");
    assertThat(sink.text(run.ref(), 1)).isEqualTo("started\n");
    pods.releaseBuild(buildId);
  }

  /**
   * Issue 12 item 7: the pod deleted under a running step (an eviction) is an infrastructure
   * failure of the job, never a step failure, a cancelled step or a success.
   */
  @Test
  void aPodDeletedMidStepFailsTheJobAsInfrastructure() {
    String buildId = build();
    JobRun run =
        run(
            buildId,
            """
            on: push
            jobs:
              test:
                runs-on: ubuntu-latest
                steps:
                  - run: echo started; sleep 60; echo never
                  - if: always()
                    run: echo cleanup
            """,
            "test");
    Recorder rec = new Recorder();
    runner.start(run, rec);
    await().atMost(WAIT).until(() -> sink.text(run.ref(), 1).contains("started"));
    pods.kubelet.deletePod(KubeNames.jobName(run.ref(), 1));
    await().atMost(WAIT).until(() -> rec.result != null);

    assertThat(rec.result.status()).isEqualTo(JobStatus.FAILED);
    assertThat(rec.result.errorCode()).isEqualTo(ErrorCode.INFRASTRUCTURE);
    // Names the pod (the Job's name and the cluster's suffix), not the Job.
    assertThat(rec.result.errorMessage()).contains("pod " + KubeNames.jobName(run.ref(), 1) + "-");
    assertThat(rec.steps.get(1).status()).isNotEqualTo(StepStatus.SUCCEEDED);
    assertThat(rec.steps.get(1).exitCode()).as("no exit code the step did not give").isNull();
    assertThat(rec.steps.get(2).status()).isNotEqualTo(StepStatus.SUCCEEDED);
    assertThat(sink.text(run.ref(), 1)).doesNotContain("never");
    runner.releaseBuild(buildId);
  }

  /** A new attempt (after a lost worker or a failed pod) starts over on its own pod, visibly. */
  @Test
  void aNewAttemptRunsOnANewPodWithTheAttemptMarker() {
    String buildId = build();
    WorkflowSpec wf =
        new WorkflowParser()
            .parse(
                "on: push\njobs:\n  test:\n    runs-on: x\n    steps:\n      - run: echo again\n",
                "ci.yml");
    JobRun second =
        JobRun.builder(new JobRef(buildId, "test"), wf, wf.job("test")).attempt(2).build();
    Recorder rec = new Recorder();
    runner.start(second, rec);
    await().atMost(WAIT).until(() -> rec.result != null);
    assertThat(rec.result.status()).isEqualTo(JobStatus.SUCCEEDED);
    assertThat(sink.text(second.ref(), 0))
        .isEqualTo(
            "##[warning]Attempt 2: the job runs again from its first step (attempt 1 was lost"
                + " with its worker or its host)\n");
    assertThat(sink.text(second.ref(), 1)).isEqualTo("again\n");
    assertThat(job(KubeNames.jobName(second.ref(), 2))).isNotNull();
    runner.releaseBuild(buildId);
  }

  /**
   * Issue 12: parallel jobs that each start with actions/checkout used to collide in one shared
   * workspace; on the pod host each checks out into its own directory of the volume.
   */
  @Test
  void threeParallelJobsEachCheckOutIntoTheirOwnWorkspace(@TempDir Path origin) throws Exception {
    String buildId = build();
    GitRepos.checkThreeParallelCheckouts(runner, sink, origin, root, buildId);
    assertThat(pods.kubelet.started()).isEqualTo(3);
    runner.releaseBuild(buildId);
  }
}
