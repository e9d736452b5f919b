package dev.pipewright.executor.host.container;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pipewright.executor.InMemoryLogSink;
import dev.pipewright.executor.JobRef;
import dev.pipewright.executor.JobResult;
import dev.pipewright.executor.JobRun;
import dev.pipewright.executor.RunObserver;
import dev.pipewright.executor.StepResult;
import dev.pipewright.executor.host.JobHostFactory;
import dev.pipewright.executor.host.process.ProcessHostFactory;
import dev.pipewright.executor.local.LocalJobRunner;
import dev.pipewright.executor.local.LocalRunnerConfig;
import dev.pipewright.models.ErrorCode;
import dev.pipewright.models.JobStatus;
import dev.pipewright.models.StepStatus;
import dev.pipewright.parser.WorkflowParser;
import dev.pipewright.parser.spec.WorkflowSpec;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Whole jobs with {@code container:} through the local runner, in the busybox test image. */
class ContainerJobIT {
  private static final AtomicInteger BUILDS = new AtomicInteger();
  private static final Duration WAIT = Duration.ofSeconds(90);

  @TempDir Path root;
  private final InMemoryLogSink sink = new InMemoryLogSink();
  private Podman podman;
  private LocalJobRunner runner;
  private final List<String> builds = new java.util.ArrayList<>();

  @BeforeEach
  void setUp() {
    podman = PodmanFixture.podman();
    runner = new LocalJobRunner(config(), sink);
  }

  @AfterEach
  void tearDown() throws IOException {
    runner.close();
    for (String b : builds) {
      assertThat(JobContainer.ofBuild(podman, b, WAIT)).as("containers left by " + b).isEmpty();
    }
  }

  private LocalRunnerConfig config() {
    return LocalRunnerConfig.defaults(root)
        .withKillGrace(Duration.ofSeconds(1))
        .withOutputDrainGrace(Duration.ofMillis(200));
  }

  private static final class Recorder implements RunObserver {
    final Map<Integer, StepResult> steps = new ConcurrentHashMap<>();
    volatile JobResult result;
    volatile boolean started;

    @Override
    public void stepStarted(JobRef job, int stepNumber, String name) {
      started = true;
    }

    @Override
    public void stepFinished(JobRef job, int stepNumber, StepResult r) {
      steps.put(stepNumber, r);
    }

    @Override
    public void jobFinished(JobRef job, JobResult r) {
      result = r;
    }
  }

  /** Job {@code test} of a workflow: {@code body} holds its keys after {@code runs-on}. */
  private JobRun run(String body, Map<String, Object> matrix) {
    String yaml = "on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n" + body.indent(4);
    WorkflowSpec wf = new WorkflowParser().parse(yaml, "ci.yml");
    String build = "c" + ProcessHandle.current().pid() + "x" + BUILDS.incrementAndGet();
    builds.add(build);
    return JobRun.builder(new JobRef(build, "test"), wf, wf.job("test"))
        .matrix(matrix)
        .secrets(Map.of("TOKEN", "s3cret"))
        .build();
  }

  private Recorder runToEnd(LocalJobRunner r, JobRun run) {
    Recorder rec = new Recorder();
    r.start(run, rec);
    await().atMost(WAIT).until(() -> rec.result != null);
    return rec;
  }

  @Test
  void aContainerJobRunsItsStepsInTheImageWithGithubSemantics() {
    JobRun run =
        run(
            """
            container:
              image: ${{ matrix.image }}
              env:
                FROM_CONTAINER: c-${{ secrets.TOKEN }}
            steps:
              - id: a
                run: |
                  echo "x=1" >> "$GITHUB_OUTPUT"
                  echo "V=2" >> "$GITHUB_ENV"
                  mkdir -p bin && printf '#!/bin/sh\\necho tool ran\\n' > bin/tool && chmod +x bin/tool
                  echo "$GITHUB_WORKSPACE/bin" >> "$GITHUB_PATH"
                  echo "secret is $FROM_CONTAINER"
              - run: |
                  echo "$V ${{ steps.a.outputs.x }} $GITHUB_WORKSPACE $(pwd)"
                  tool
                  test ! -e /bin/bash && echo "no bash here"
            """,
            Map.of("image", PodmanFixture.IMAGE));
    Recorder rec = runToEnd(runner, run);
    assertThat(rec.result.status()).as(rec.result.toString()).isEqualTo(JobStatus.SUCCEEDED);
    assertThat(sink.text(run.ref(), 1)).contains("secret is c-***").doesNotContain("s3cret");
    assertThat(sink.text(run.ref(), 2))
        .contains("2 1 /github/workspace /github/workspace")
        .contains("tool ran")
        .contains("no bash here");
  }

  @Test
  void stepsRunAsTheUserOptionsNameAndStillWriteTheJobsFiles() {
    JobRun run =
        run(
            """
            container:
              image: localhost/pipewright-test-busybox:1
              options: --user 65534:65534 --workdir /tmp
            steps:
              - id: who
                run: |
                  echo "uid=$(id -u)" >> "$GITHUB_OUTPUT"
                  echo "W=written" >> "$GITHUB_ENV"
                  touch made-here
              - run: echo "$W ${{ steps.who.outputs.uid }} $(ls -n made-here | awk '{print $3}')"
            """,
            Map.of());
    Recorder rec = runToEnd(runner, run);
    assertThat(rec.result.status()).as(rec.result.toString()).isEqualTo(JobStatus.SUCCEEDED);
    assertThat(sink.text(run.ref(), 2)).contains("written 65534 65534");
  }

  @Test
  void aCancelledJobStopsItsStepAndLeavesNoContainer() {
    JobRun run =
        run(
            """
            container: localhost/pipewright-test-busybox:1
            steps:
              - run: echo going; sleep 600
              - if: always()
                run: echo cleanup ran
            """,
            Map.of());
    Recorder rec = new Recorder();
    runner.start(run, rec);
    await().atMost(WAIT).until(() -> sink.text(run.ref(), 1).contains("going"));
    runner.cancel(run.ref());
    await().atMost(WAIT).until(() -> rec.result != null);
    assertThat(rec.result.status()).isEqualTo(JobStatus.CANCELLED);
    assertThat(rec.steps.get(1).status()).isEqualTo(StepStatus.CANCELLED);
    assertThat(sink.text(run.ref(), 2)).contains("cleanup ran");
  }

  @Test
  void aStepTimeoutKillsTheStepInItsContainer() {
    JobRun run =
        run(
            """
            container: localhost/pipewright-test-busybox:1
            steps:
              - timeout-minutes: 0.05
                run: sleep 600
            """,
            Map.of());
    Recorder rec = runToEnd(runner, run);
    assertThat(rec.result.status()).isEqualTo(JobStatus.FAILED);
    assertThat(rec.steps.get(1).errorCode()).isEqualTo(ErrorCode.TIMEOUT);
  }

  @Test
  void unsupportedOptionsAndAMissingEngineAreClearErrorsNamingTheJob() {
    JobRun options =
        run(
            """
            container:
              image: localhost/pipewright-test-busybox:1
              options: ${{ matrix.options }}
            steps:
              - run: echo never
            """,
            Map.of("options", "--privileged"));
    JobResult refused = runToEnd(runner, options).result;
    assertThat(refused.status()).isEqualTo(JobStatus.FAILED);
    assertThat(refused.errorCode()).isEqualTo(ErrorCode.INVALID_SPEC);
    assertThat(refused.errorMessage()).contains("job 'test'").contains("'--privileged'");

    JobHostFactory withoutPodman =
        new ContainerHostFactory(
            new ProcessHostFactory(root, LocalRunnerConfig.DEFAULT_INHERITED_ENV),
            "pipewright-local",
            Optional.empty(),
            ResourceLimits.none());
    try (LocalJobRunner noEngine = new LocalJobRunner(config(), sink, withoutPodman)) {
      JobRun plain =
          run(
              """
              container: localhost/pipewright-test-busybox:1
              steps:
                - run: echo never
              """,
              Map.of());
      JobResult missing = runToEnd(noEngine, plain).result;
      assertThat(missing.status()).isEqualTo(JobStatus.FAILED);
      assertThat(missing.errorCode()).isEqualTo(ErrorCode.PERMANENT);
      assertThat(missing.errorMessage()).contains("job 'test'").contains("podman was not found");
    }
  }

  /** A TCP server on port 7000 that greets each connection, then says it served. */
  private static final String ECHO_SERVICE =
      """
      image: localhost/pipewright-test-service:1
      env:
        SERVICE_SCRIPT: >-
          echo "echo service up";
          while true; do echo "hello from $WHO" | nc -l -p 7000; echo served; done
        WHO: echo
      ports: ['7000']
      """;

  @Test
  void stepsInTheJobContainerReachTwoServicesByLabelAfterTheLateOneIsHealthy() {
    JobRun run =
        run(
            """
            container:
              image: localhost/pipewright-test-busybox:1
              options: --hostname builder -e FROM_OPTION=yes --user 65534
            services:
              echo:
            %s
              late:
                image: localhost/pipewright-test-service:1
                env:
                  SERVICE_SCRIPT: 'echo late is up; exec sleep 600'
                # Healthy at its third check, whatever the time: two checks see it starting.
                options: >-
                  --health-cmd "n=$(cat /tmp/n || echo 0); echo $((n+1)) >/tmp/n; [ $n -ge 2 ]"
                  --health-interval 100ms --health-retries 5
            steps:
              - run: |
                  nc echo 7000 </dev/null
                  grep -qw late /etc/hosts && echo "late is a host name"
                  echo "host $(hostname) option $FROM_OPTION uid $(id -u)"
                  echo "port ${{ job.services.echo.ports['7000'] }} id ${{ job.services.late.id }}"
            """
                .formatted(ECHO_SERVICE.indent(4)),
            Map.of());
    Recorder rec = runToEnd(runner, run);
    assertThat(rec.result.status()).as(rec.result.toString()).isEqualTo(JobStatus.SUCCEEDED);
    String step = sink.text(run.ref(), 1);
    assertThat(step)
        .contains("hello from echo")
        // Not a connection: the services share one network, so late:7000 is echo's listener
        // whenever its loop has restarted it (a race this test once lost).
        .contains("late is a host name")
        .contains("host builder option yes uid 65534")
        .containsPattern("port \\d+ id [0-9a-f]{64}");
    String jobLog = sink.text(run.ref(), 0);
    assertThat(jobLog)
        .contains("late service is starting")
        .contains("late service is healthy.")
        .contains("##[group]Print service container logs: echo")
        .contains("echo service up")
        .contains("served")
        .contains("late is up")
        .contains("Stop and remove container: late");
  }

  @Test
  void aServiceThatNeverBecomesHealthyFailsTheJobNamingIt() {
    JobRun run =
        run(
            """
            services:
              never:
                image: localhost/pipewright-test-service:1
                env: {SERVICE_SCRIPT: 'echo waiting forever; exec sleep 600'}
                options: --health-cmd false --health-interval 100ms --health-retries 2
            steps:
              - run: echo never
            """,
            Map.of());
    Recorder rec = runToEnd(runner, run);
    assertThat(rec.result.status()).isEqualTo(JobStatus.FAILED);
    assertThat(rec.result.errorCode()).isEqualTo(ErrorCode.PERMANENT);
    assertThat(rec.result.errorMessage())
        .contains("job 'test': services.never: Failed to initialize, never service is unhealthy.");
    assertThat(rec.steps.get(1).status()).isNotEqualTo(StepStatus.SUCCEEDED);
    assertThat(sink.text(run.ref(), 0)).contains("waiting forever");
  }

  @Test
  void aJobWithServicesAndNoContainerReachesThemOnLocalhostAtTheirPublishedPorts() {
    JobRun run =
        run(
            """
            services:
              echo:
            %s
            steps:
              - run: /bin/busybox nc 127.0.0.1 ${{ job.services.echo.ports['7000'] }} </dev/null
            """
                .formatted(ECHO_SERVICE.indent(4)),
            Map.of());
    Recorder rec = runToEnd(runner, run);
    assertThat(rec.result.status()).as(rec.result.toString()).isEqualTo(JobStatus.SUCCEEDED);
    assertThat(sink.text(run.ref(), 1)).contains("hello from echo");
  }

  @Test
  void credentialsGoToAnAuthFileNeverOnTheCommandLine() {
    JobRun run =
        run(
            """
            container:
              image: localhost/pipewright-test-busybox:1
              credentials:
                username: robot
                password: ${{ secrets.TOKEN }}
            steps:
              - run: echo "ran with credentials"
            """,
            Map.of());
    Recorder rec = runToEnd(runner, run);
    assertThat(rec.result.status()).as(rec.result.toString()).isEqualTo(JobStatus.SUCCEEDED);
    assertThat(sink.text(run.ref(), 1)).contains("ran with credentials");
  }
}
