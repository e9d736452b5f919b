package dev.pipewright.kubernetes.pod;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.pipewright.executor.InMemoryLogSink;
import dev.pipewright.executor.JobRef;
import dev.pipewright.executor.JobRun;
import dev.pipewright.executor.engine.EngineJobRunner;
import dev.pipewright.executor.host.container.PodmanFixture;
import dev.pipewright.executor.parity.ParitySuite.Recorder;
import dev.pipewright.kubernetes.runner.KubeNames;
import dev.pipewright.models.ErrorCode;
import dev.pipewright.models.JobStatus;
import dev.pipewright.parser.WorkflowParser;
import dev.pipewright.parser.spec.WorkflowSpec;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A job's {@code services:} on the pod host, against Fabric8's mock API server with the {@link
 * dev.pipewright.kubernetes.it.FakeKubelet} playing native sidecars (their startup probes run on
 * this machine).
 */
class PodServicesIT {
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

  @AfterEach
  void stop() {
    runner.close();
  }

  private Job job(String name) {
    return pods.client.batch().v1().jobs().inNamespace(MockPods.NAMESPACE).withName(name).get();
  }

  private static String build() {
    return "svc" + BUILDS.incrementAndGet();
  }

  /** Job {@code test} with the secrets PG and REG, holding {@code body} after its runs-on. */
  private static JobRun withSecrets(String buildId, String body) {
    WorkflowSpec wf =
        new WorkflowParser()
            .parse("on: push\njobs:\n  test:\n    runs-on: x\n" + body.indent(4), "ci.yml");
    return JobRun.builder(new JobRef(buildId, "test"), wf, wf.job("test"))
        .secrets(Map.of("PG", "pg-s3cret", "REG", "reg-s3cret"))
        .build();
  }

  private Secret secret(String name) {
    return pods.client.secrets().inNamespace(MockPods.NAMESPACE).withName(name).get();
  }

  /**
   * Services are native sidecars whose startup probes gate the job's container: the steps start
   * only after the health command passes (the fake kubelet runs it here), each label is a host
   * alias of 127.0.0.1, and the services' env and the registry login live in the job's Secrets,
   * never in the Job, which are deleted with the job.
   */
  @Test
  void servicesAreSidecarsTheStepsWaitForWithTheirSecretsBesideTheJob() throws IOException {
    String buildId = build();
    Path checks = root.resolve("checks-" + buildId);
    Path ready = root.resolve("ready-" + buildId);
    JobRun run =
        withSecrets(
            buildId,
            """
            container:
              image: busybox:1.36
              credentials: {username: robot, password: '${{ secrets.REG }}'}
            services:
              db:
                image: postgres:16
                env: {POSTGRES_PASSWORD: '${{ secrets.PG }}'}
                ports: ['15432:5432']
                options: >-
                  --health-cmd "echo >> %s; test -e %s" --health-interval 2s
                  --health-retries 100000 --user 999
              cache: {image: redis:7, ports: [6379]}
            steps:
              - run: echo "db port ${{ job.services.db.ports['5432'] }}"
            """
                .formatted(checks, ready));
    Recorder rec = new Recorder();
    runner.start(run, rec);
    // The probe has failed several times and no step has started: the steps wait for it.
    await()
        .atMost(WAIT)
        .until(() -> Files.exists(checks) && Files.readAllLines(checks).size() >= 3);
    assertThat(rec.steps).isEmpty();
    String jobName = KubeNames.jobName(run.ref(), 1);
    Secret env = secret(jobName + "-env");
    Secret pull = secret(jobName + "-pull");
    assertThat(env.getMetadata().getLabels())
        .containsEntry(KubeNames.INSTALLATION_LABEL, MockPods.INSTALLATION);
    assertThat(value(env, "db.POSTGRES_PASSWORD")).isEqualTo("pg-s3cret");
    assertThat(pull.getType()).isEqualTo("kubernetes.io/dockerconfigjson");
    assertThat(value(pull, ".dockerconfigjson"))
        .contains("docker.io")
        .contains(Base64.getEncoder().encodeToString("robot:reg-s3cret".getBytes()));

    var pod = job(jobName).getSpec().getTemplate().getSpec();
    assertThat(pod.toString()).doesNotContain("s3cret");
    assertThat(pod.getImagePullSecrets())
        .extracting(r -> r.getName())
        .containsExactly(jobName + "-pull");
    assertThat(pod.getHostAliases())
        .singleElement()
        .satisfies(
            a -> {
              assertThat(a.getIp()).isEqualTo("127.0.0.1");
              assertThat(a.getHostnames()).containsExactly("db", "cache");
            });
    assertThat(pod.getInitContainers())
        .extracting(c -> c.getName())
        .containsExactly("svc-db", "svc-cache");
    var db = pod.getInitContainers().getFirst();
    assertThat(db.getRestartPolicy()).isEqualTo("Always");
    assertThat(db.getImage()).isEqualTo("postgres:16");
    assertThat(db.getSecurityContext().getRunAsUser()).isEqualTo(999L);
    assertThat(db.getPorts()).extracting(p -> p.getContainerPort()).containsExactly(5432);
    assertThat(db.getEnv().getFirst().getValueFrom().getSecretKeyRef().getName())
        .isEqualTo(jobName + "-env");
    assertThat(db.getStartupProbe().getExec().getCommand())
        .containsExactly("/bin/sh", "-c", "echo >> %s; test -e %s".formatted(checks, ready));
    assertThat(db.getStartupProbe().getPeriodSeconds()).isEqualTo(2);
    assertThat(db.getStartupProbe().getFailureThreshold()).isEqualTo(100000);

    Files.createFile(ready);
    await().atMost(WAIT).until(() -> rec.result != null);
    assertThat(rec.result.status()).as(sink.jobText(run.ref())).isEqualTo(JobStatus.SUCCEEDED);
    assertThat(sink.text(run.ref(), 1)).contains("db port 5432");
    assertThat(sink.text(run.ref(), 0))
        .contains("Waiting for all services to be ready")
        .contains("db service is healthy.")
        .contains("Stop and remove container: cache")
        // The mock serves no container logs: a real cluster's come between the group lines.
        .containsAnyOf(
            "##[group]Print service container logs: db", "could not read the log of service db");
    await()
        .atMost(WAIT)
        .until(() -> secret(jobName + "-env") == null && secret(jobName + "-pull") == null);
    runner.releaseBuild(buildId);
  }

  private static String value(Secret s, String key) {
    if (s.getStringData() != null && s.getStringData().containsKey(key)) {
      return s.getStringData().get(key);
    }
    return new String(Base64.getDecoder().decode(s.getData().get(key)), StandardCharsets.UTF_8);
  }

  @Test
  void aServiceThatNeverBecomesHealthyFailsTheJobNamingIt() {
    String buildId = build();
    JobRun run =
        withSecrets(
            buildId,
            """
            services:
              never:
                image: redis:7
                options: --health-cmd false --health-retries 2
            steps:
              - run: echo never
            """);
    Recorder rec = new Recorder();
    runner.start(run, rec);
    await().atMost(WAIT).until(() -> rec.result != null);
    assertThat(rec.result.status()).isEqualTo(JobStatus.FAILED);
    assertThat(rec.result.errorCode()).isEqualTo(ErrorCode.PERMANENT);
    assertThat(rec.result.errorMessage())
        .startsWith(
            "job 'test': services.never: Failed to initialize, never service is unhealthy.");
    assertThat(sink.text(run.ref(), 1)).doesNotContain("never");
    runner.releaseBuild(buildId);
  }

  /**
   * A docker step's pod has a network of its own: the job's service labels name the job's pod there
   * ({@code hostAliases}, which the kubelet writes into the container's {@code /etc/hosts}), where
   * the sidecars listen. GitHub's docker step joins the job's network and reaches a service by its
   * label (ContainerStepHost.cs); the container host's steps join the services' network.
   */
  @Test
  void aDockerStepFindsTheServicesByLabelAtTheJobsPod() {
    assumeTrue(PodmanFixture.unavailable() == null, PodmanFixture.unavailable());
    String buildId = build();
    JobRun run =
        withSecrets(
            buildId,
            """
            services:
              db: {image: postgres:16, options: --health-cmd true --health-interval 1s}
              cache: {image: redis:7}
            steps:
              - uses: docker://localhost/pipewright-test-busybox:1
                with:
                  entrypoint: /bin/sh
                  args: -c "grep -w -e db -e cache /etc/hosts"
            """);
    Recorder rec = new Recorder();
    runner.start(run, rec);
    await().atMost(WAIT).until(() -> rec.result != null);
    assertThat(rec.result.status()).as(sink.jobText(run.ref())).isEqualTo(JobStatus.SUCCEEDED);

    String jobName = KubeNames.jobName(run.ref(), 1);
    String ip =
        pods.client
            .pods()
            .inNamespace(MockPods.NAMESPACE)
            .withLabel(KubeNames.JOB_NAME_LABEL, jobName)
            .list()
            .getItems()
            .getFirst()
            .getStatus()
            .getPodIP();
    // The step's Job is gone with it: its container's /etc/hosts shows what its pod was given.
    assertThat(sink.text(run.ref(), 1))
        .containsPattern(Pattern.quote(ip) + "\\s+db\\b")
        .containsPattern(Pattern.quote(ip) + "\\s+cache\\b");
    runner.releaseBuild(buildId);
  }
}
