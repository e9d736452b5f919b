package dev.pipewright.kubernetes.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pipewright.executor.InMemoryLogSink;
import dev.pipewright.executor.engine.EngineJobRunner;
import dev.pipewright.executor.engine.EngineSettings;
import dev.pipewright.kubernetes.MockApi;
import dev.pipewright.kubernetes.PipelineRuns;
import dev.pipewright.kubernetes.operator.PipelineRunOperator;
import dev.pipewright.kubernetes.operator.PipelineRunReconciler;
import dev.pipewright.kubernetes.pod.MockPods;
import dev.pipewright.kubernetes.pod.PodHostFactory;
import dev.pipewright.kubernetes.runner.KubeNames;
import dev.pipewright.models.CiException;
import dev.pipewright.models.ErrorCode;
import dev.pipewright.parser.WorkflowParser;
import dev.pipewright.parser.spec.WorkflowSpec;
import dev.pipewright.pipelinerun.v1alpha1.Phase;
import dev.pipewright.pipelinerun.v1alpha1.PipelineRun;
import dev.pipewright.pipelinerun.v1alpha1.PipelineRunSpec;
import dev.pipewright.pipelinerun.v1alpha1.PipelineRunStatus;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two installations (each its own database, here each its own {@link TestOrchestrator}) in one
 * namespace of Fabric8's mock API server, as a real cluster showed them: the second one used to
 * rewrite every PipelineRun of the first to "Failed: no build … in the database". Each must see,
 * judge and delete only its own runs, Jobs, Pods and Secrets.
 */
class TwoInstallationsIT {
  static final String NS = MockPods.NAMESPACE;
  static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir Path tmp;
  MockApi api;
  KubernetesClient client;
  FakeKubelet kubelet;
  final List<AutoCloseable> closing = new ArrayList<>();

  @BeforeEach
  void start() {
    api = new MockApi();
    client = api.client();
    kubelet = new FakeKubelet(client, NS, tmp);
  }

  @AfterEach
  void stop() throws Exception {
    for (AutoCloseable c : closing.reversed()) {
      c.close();
    }
    kubelet.close();
    client.close();
    api.close();
  }

  /** One installation: its runner, its "database" and its operator, all on their own client. */
  private final class Installation {
    final String id;
    final EngineJobRunner runner;
    final RecordingObserver observer = new RecordingObserver();
    final TestOrchestrator orchestrator;

    Installation(String id) {
      this.id = id;
      KubernetesClient own = api.client();
      closing.add(own);
      runner =
          new EngineJobRunner(
              "kubernetes",
              EngineSettings.defaults("it"),
              4,
              new PodHostFactory(own, MockPods.config(id), tmp, "it"),
              new InMemoryLogSink());
      closing.add(runner);
      orchestrator = new TestOrchestrator(runner, observer);
    }

    void startOperator() {
      KubernetesClient own = api.client();
      closing.add(own);
      closing.add(
          PipelineRunOperator.start(
              own,
              NS,
              new PipelineRunReconciler(
                  orchestrator, id, Clock.systemUTC(), Duration.ofMillis(300)),
              false));
    }

    /** A one-job build in this installation's database, and its PipelineRun as a claim makes. */
    String build(String jobKey) {
      String buildId = UUID.randomUUID().toString();
      orchestrator.add(buildId, workflow(jobKey));
      PipelineRuns.ensure(client, NS, id, new PipelineRunSpec(buildId));
      return buildId;
    }
  }

  @Test
  void eachInstallationWatchesJudgesAndDeletesOnlyItsOwnObjects() throws Exception {
    Installation a = new Installation("install-a");
    a.startOperator();
    String buildA = a.build("alpha");
    await().atMost(WAIT).until(() -> a.observer.events.contains("alpha step 1 started"));

    // The second installation starts while the first one's build runs.
    Installation b = new Installation("install-b");
    b.startOperator();
    String buildB = b.build("beta");
    // Even told to cancel the other's build (its database may hold anything), it cannot reach it.
    b.runner.cancelBuild(buildA);
    assertThat(awaitPhase(buildB, Phase.Succeeded).getProgress()).isEqualTo("1/1");

    assertThat(jobsOf(buildA)).hasSize(1);
    assertThat(run(buildA).getStatus().getPhase()).isEqualTo(Phase.Running);
    Files.writeString(tmp.resolve("go-alpha"), "");
    awaitPhase(buildA, Phase.Succeeded);

    assertThat(a.orchestrator.reconciled).containsExactly(buildA);
    assertThat(b.orchestrator.reconciled).containsExactly(buildB);
    assertThat(a.observer.events).noneMatch(e -> e.startsWith("beta"));
    assertThat(b.observer.events).noneMatch(e -> e.startsWith("alpha"));
    for (var build : List.of(List.of(buildA, a.id), List.of(buildB, b.id))) {
      String buildId = build.get(0);
      List<HasMetadata> objects = new ArrayList<>();
      objects.add(run(buildId));
      objects.addAll(jobsOf(buildId));
      objects.addAll(
          client
              .pods()
              .inNamespace(NS)
              .withLabel(KubeNames.BUILD_LABEL, buildId)
              .list()
              .getItems());
      assertThat(objects)
          .hasSize(3)
          .allSatisfy(
              o ->
                  assertThat(o.getMetadata().getLabels())
                      .as("%s %s", o.getKind(), o.getMetadata().getName())
                      .containsEntry(KubeNames.INSTALLATION_LABEL, build.get(1)));
    }
  }

  /**
   * A worker restarted against a database that does not hold a build (another database, a reset
   * one) must not judge its run: a finished run keeps its result, an unfinished one stays as it is.
   */
  @Test
  void aLookupThatFindsNothingNeverRewritesARun() {
    Installation a = new Installation("install-a");
    String finished = runWithPhase(a.id, Phase.Succeeded, "all 3 jobs succeeded");
    String unfinished = runWithPhase(a.id, Phase.Running, null);

    a.startOperator();
    String known = a.build("gamma");
    awaitPhase(known, Phase.Succeeded);
    await().atMost(WAIT).until(() -> a.orchestrator.reconciled.contains(unfinished));

    await()
        .during(Duration.ofMillis(600))
        .atMost(WAIT)
        .until(
            () ->
                run(finished).getStatus().getPhase() == Phase.Succeeded
                    && run(unfinished).getStatus().getPhase() == Phase.Running);
    assertThat(run(finished).getStatus().getMessage()).isEqualTo("all 3 jobs succeeded");
    // A finished run is not even looked up: a finished build never changes.
    assertThat(a.orchestrator.reconciled).doesNotContain(finished);
  }

  @Test
  void aRunOfAnotherInstallationIsNeverAdopted() {
    String buildId = UUID.randomUUID().toString();
    PipelineRuns.ensure(client, NS, "install-a", new PipelineRunSpec(buildId));
    assertThat(PipelineRuns.ensure(client, NS, "install-a", new PipelineRunSpec(buildId)))
        .isNotNull();
    CiException refused =
        Assertions.catchThrowableOfType(
            CiException.class,
            () -> PipelineRuns.ensure(client, NS, "install-b", new PipelineRunSpec(buildId)));
    assertThat(refused.code()).isEqualTo(ErrorCode.CONFLICT);
    assertThat(refused.getMessage())
        .contains("belongs to installation install-a, not to this one (install-b)");
  }

  @Test
  void aRerunRaisesTheRunAttemptOfTheExistingRunAndNothingLowersIt() {
    String buildId = UUID.randomUUID().toString();
    PipelineRuns.ensure(client, NS, "install-a", new PipelineRunSpec(buildId));
    PipelineRunSpec rerun = new PipelineRunSpec(buildId);
    rerun.setRunAttempt(2);

    assertThat(PipelineRuns.ensure(client, NS, "install-a", rerun).getSpec().runAttempt())
        .isEqualTo(2);
    // The runner's own ensure before a Job knows no attempt.
    PipelineRuns.ensure(client, NS, "install-a", new PipelineRunSpec(buildId));
    PipelineRun stored =
        client
            .resources(PipelineRun.class)
            .inNamespace(NS)
            .withName(PipelineRun.nameFor(buildId))
            .get();
    assertThat(stored.getSpec().runAttempt()).isEqualTo(2);
  }

  private String runWithPhase(String installation, Phase phase, String message) {
    String buildId = UUID.randomUUID().toString();
    PipelineRun run = PipelineRuns.ensure(client, NS, installation, new PipelineRunSpec(buildId));
    PipelineRunStatus status = new PipelineRunStatus();
    status.setPhase(phase);
    status.setMessage(message);
    run.setStatus(status);
    client.resources(PipelineRun.class).inNamespace(NS).resource(run).updateStatus();
    return buildId;
  }

  /** A one-step job that waits for a file {@code go-<jobKey>} when its key is alpha. */
  private WorkflowSpec workflow(String jobKey) {
    String gate = tmp.resolve("go-" + jobKey).toString();
    String wait =
        jobKey.equals("alpha") ? "; while [ ! -e " + gate + " ]; do sleep 0.05; done" : "";
    return new WorkflowParser()
        .parse(
            """
            on: push
            jobs:
              %s:
                runs-on: ubuntu-latest
                steps:
                  - name: %s
                    run: echo %s%s
            """
                .formatted(jobKey, jobKey, jobKey, wait),
            "ci.yml");
  }

  private PipelineRun run(String buildId) {
    return BuildObjects.run(client, NS, buildId);
  }

  private List<Job> jobsOf(String buildId) {
    return BuildObjects.jobs(client, NS, buildId);
  }

  private PipelineRunStatus awaitPhase(String buildId, Phase phase) {
    return BuildObjects.awaitPhase(client, NS, buildId, phase, WAIT);
  }
}
