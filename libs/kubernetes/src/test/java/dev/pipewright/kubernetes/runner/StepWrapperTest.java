package dev.pipewright.kubernetes.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the real step wrapper with the machine's /bin/sh, one process per "container", as the
 * kubelet would run a pod's init containers in order.
 */
class StepWrapperTest {
  static final Duration WAIT = Duration.ofSeconds(20);

  @TempDir Path dir;
  Path state;
  Path files;
  Path workspace;
  Path podinfo;

  @BeforeEach
  void dirs() throws IOException {
    state = Files.createDirectories(dir.resolve("state"));
    files = Files.createDirectories(dir.resolve("files"));
    workspace = Files.createDirectories(dir.resolve("workspace"));
    podinfo = Files.createDirectories(dir.resolve("podinfo"));
  }

  @Test
  void failureSkipsSuccessStepsButRunsFailureAndAlwaysSteps() throws Exception {
    step(1, "echo one; exit 3", "", "");
    step(2, "echo two", "", "");
    step(3, "echo three", "", "");
    assertThat(run(1, "success", false)).contains("result=failure", "exit=3", "timeout=0");
    assertThat(run(2, "success", false)).isEqualTo("result=skipped\n");
    assertThat(run(3, "success failure", false)).contains("result=success", "exit=0");
    assertThat(finish()).isEqualTo(1);
  }

  @Test
  void continueOnErrorKeepsTheJobSuccessful() throws Exception {
    step(1, "exit 1", "", "");
    step(2, "true", "", "");
    assertThat(run(1, "success", true)).contains("result=failure", "exit=1");
    assertThat(run(2, "success", false)).contains("result=success");
    assertThat(finish()).isZero();
  }

  @Test
  void githubEnvPathAndOutputsFlowBetweenSteps() throws Exception {
    step(
        1,
        """
        echo "FOO=bar" >> "$GITHUB_ENV"
        printf 'MULTI<<EOF\\nline 1\\nline 2\\nEOF\\n' >> "$GITHUB_ENV"
        echo "/opt/tools" >> "$GITHUB_PATH"
        echo "answer=42" >> "$GITHUB_OUTPUT"
        """,
        "export LEVEL='job'\n",
        "");
    step(
        2,
        """
        test "$FOO" = bar
        test "$MULTI" = "$(printf 'line 1\\nline 2')"
        test "$LEVEL" = step
        case "$PATH" in /opt/tools:*) ;; *) exit 9 ;; esac
        """,
        "export LEVEL='job'\n",
        "export LEVEL='step'\n");
    String first = run(1, "success", false);
    assertThat(first).contains("result=success");
    String outputs = first.lines().filter(l -> l.startsWith("outputs=")).findFirst().orElseThrow();
    assertThat(new String(Base64.getDecoder().decode(outputs.substring(8)), StandardCharsets.UTF_8))
        .isEqualTo("answer=42\n");
    assertThat(run(2, "success", false)).contains("result=success", "exit=0");
  }

  @Test
  void stepTimeoutIsReported() throws Exception {
    step(1, "sleep 5", "", "");
    assertThat(run(1, "success", false, "PW_TIMEOUT=1")).contains("result=failure", "timeout=1");
  }

  @Test
  void missingWorkingDirectoryFailsTheStep() throws Exception {
    step(1, "true", "", "");
    assertThat(run(1, "success", false, "PW_WORKDIR=" + dir.resolve("nope")))
        .contains("result=failure", "exit=1");
  }

  @Test
  void aCancelKillsTheRunningStepsProcessGroupThenOnlyAlwaysAndCancelledStepsRun()
      throws Exception {
    Path child = dir.resolve("child.pid");
    step(1, "sleep 300 &\necho $! > '" + child + "'\necho started\nsleep 300\n", "", "");
    step(2, "echo never >> '" + dir.resolve("ran") + "'", "", "");
    step(3, "echo always >> '" + dir.resolve("ran") + "'", "", "");
    step(4, "echo cancelled >> '" + dir.resolve("ran") + "'", "", "");
    step(5, "echo failure >> '" + dir.resolve("ran") + "'", "", "");
    Path termination = dir.resolve("termination-1");
    Process first = start(List.of(), termination, env(1, "success", false));
    await().atMost(WAIT).until(() -> Files.exists(child) && Files.size(child) > 0);
    long background = Long.parseLong(Files.readString(child).strip());
    assertThat(first.isAlive()).isTrue();

    requestCancel();
    assertThat(first.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
    assertThat(first.exitValue()).isZero();
    assertThat(Files.readString(termination)).startsWith("result=cancelled\nexit=");
    // Its background child was in its process group: gone too.
    await()
        .atMost(WAIT)
        .until(() -> ProcessHandle.of(background).map(h -> !h.isAlive()).orElse(true));
    assertThat(Files.readString(dir.resolve("out.log")))
        .contains("started", "##[error]The operation was canceled.");
    assertThat(Files.readString(state.resolve("outcome.1"))).isEqualTo("cancelled");

    assertThat(run(2, "success", false)).isEqualTo("result=cancelled\n");
    assertThat(run(3, "cancelled failure success", false)).contains("result=success", "exit=0");
    assertThat(run(4, "cancelled", false)).contains("result=success");
    assertThat(run(5, "failure", false)).isEqualTo("result=cancelled\n");
    assertThat(Files.readAllLines(dir.resolve("ran"))).containsExactly("always", "cancelled");
    assertThat(Files.readString(state.resolve("outcome.2"))).isEqualTo("cancelled");
    assertThat(finish()).isEqualTo(1);
    assertThat(Files.readString(dir.resolve("termination-0"))).isEqualTo("job=cancelled\n");
  }

  @Test
  void aStepRunningBecauseOfTheCancelIsNotKilledByIt() throws Exception {
    requestCancel();
    // Longer than the wrapper's poll: a watched step would be killed.
    step(1, "sleep 2\necho cleaned", "", "");
    assertThat(run(1, "cancelled", false)).contains("result=success", "exit=0");
    assertThat(Files.readString(dir.resolve("out.log"))).contains("cleaned");
  }

  @Test
  void withoutTheAnnotationNothingIsCancelled() throws Exception {
    Files.writeString(podinfo.resolve("annotations"), "pipewright.dev/build-id=\"b1\"");
    step(1, "sleep 2", "", "");
    assertThat(run(1, "success", false)).contains("result=success", "exit=0");
    assertThat(state.resolve("cancelled")).doesNotExist();
  }

  static final String STEPS_WORKFLOW =
      """
      on: push
      jobs:
        build:
          runs-on: ubuntu-latest
          env:
            TOKEN: ${{ secrets.TOKEN }}
          steps:
            - id: gen
              run: |
                echo "answer=4'2 \\$HOME" >> "$GITHUB_OUTPUT"
                printf 'multi<<EOF\\nline 1\\nline 2\\nEOF\\n' >> "$GITHUB_OUTPUT"
            - id: flaky
              run: exit 3
              continue-on-error: true
            - name: Reads outputs in run and env
              env:
                ANSWER: "[${{ steps.gen.outputs.answer }}]"
                FLAKY: ${{ steps.flaky.outcome }}/${{ steps.flaky.conclusion }}
              run: |
                test "$ANSWER" = "[4'2 \\$HOME]"
                test "$FLAKY" = failure/success
                test "${{ steps.gen.outputs.MULTI }}" = "$(printf 'line 1\\nline 2')"
                test "${{ steps.later.outputs.x }}" = ""
                test "$TOKEN" = "s3cr3t"
                test "${{ secrets.TOKEN }}" = "s3cr3t"
                echo "ran=yes" >> "$GITHUB_OUTPUT"
            - name: Runs because flaky failed
              if: steps.flaky.outcome == 'failure'
              run: echo "ran=yes" >> "$GITHUB_OUTPUT"
            - name: Skipped because gen succeeded
              if: ${{ steps.gen.outcome != 'success' }}
              run: exit 1
            - name: Always, reading a skipped step
              if: always() && steps.later.outcome == null
              run: echo "ran=yes" >> "$GITHUB_OUTPUT"
            - id: later
              run: "true"
      """;

  @Test
  void stepsContextFlowsThroughThePodsStateDirectory() throws Exception {
    JobPlan plan =
        new StepPlanner(Fixtures.CONFIG)
            .plan(
                Fixtures.run("b1", STEPS_WORKFLOW, "build")
                    .secrets(Map.of("TOKEN", "s3cr3t"))
                    .build());
    List<String> results = runPlan(plan);
    assertThat(results.get(0)).contains("result=success");
    assertThat(results.get(1)).contains("result=failure", "exit=3");
    assertThat(results.get(2)).contains("result=success", "outputs=" + b64("ran=yes\n"));
    assertThat(results.get(3)).contains("result=success");
    assertThat(results.get(4)).isEqualTo("result=skipped\n");
    assertThat(results.get(5)).contains("result=success");
    assertThat(results.get(6)).contains("result=success");
    assertThat(finish()).isZero();
    assertThat(Files.readString(state.resolve("outcome.5"))).isEqualTo("skipped");
    assertThat(Files.readString(state.resolve("outputs.1/answer"))).isEqualTo("4'2 $HOME");
  }

  @Test
  void anIfReadingAFailedStepRunsUnderTheFailureKey() throws Exception {
    String yaml =
        Fixtures.buildJob(
            """
            - id: a
              run: exit 1
            - if: failure() && steps.a.conclusion == 'failure'
              run: "true"
            - if: steps.a.outcome == 'failure'
              run: "true"
            """);
    List<String> results = runPlan(Fixtures.planBuild(yaml));
    assertThat(results.get(0)).contains("result=failure");
    assertThat(results.get(1)).contains("result=success");
    assertThat(results.get(2)).as("implicit success() is false").isEqualTo("result=skipped\n");
    assertThat(finish()).isEqualTo(1);
  }

  @Test
  void afterACancelAnIfSeesTheCancelledOutcomesOfEarlierSteps() throws Exception {
    String yaml =
        Fixtures.buildJob(
            """
            - id: a
              run: "true"
            - if: always() && steps.a.outcome == 'success'
              run: "true"
            - if: always() && steps.a.outcome == 'cancelled'
              run: echo "ran=yes" >> "$GITHUB_OUTPUT"
            - if: cancelled()
              run: "true"
            - if: failure()
              run: "true"
            """);
    requestCancel();
    List<String> results = runPlan(Fixtures.planBuild(yaml));
    assertThat(results.get(0)).isEqualTo("result=cancelled\n");
    assertThat(results.get(1)).isEqualTo("result=cancelled\n");
    assertThat(results.get(2)).contains("result=success", "outputs=" + b64("ran=yes\n"));
    assertThat(results.get(3)).contains("result=success");
    assertThat(results.get(4)).isEqualTo("result=cancelled\n");
    assertThat(finish()).isEqualTo(1);
  }

  /**
   * Runs a plan's steps as the kubelet would: its files in the files volume, each container's env
   * (secretKeyRef values read from the plan's Secret entries), the volumes' paths mapped to dirs.
   */
  private List<String> runPlan(JobPlan plan) throws Exception {
    Map<String, String> data = plan.files();
    Files.writeString(files.resolve("wrapper.sh"), JobManifests.WRAPPER);
    for (PlannedStep s : plan.steps()) {
      for (String kind : List.of("script", "env", "stepenv")) {
        Files.writeString(
            files.resolve(s.number() + "." + kind),
            data.get(JobPlan.fileKey(plan.jobName(), s.number(), kind)));
      }
    }
    Job job = new JobManifests(Fixtures.CONFIG).job(plan, JobManifests.ownerReference("r", "u"));
    List<String> results = new ArrayList<>();
    for (Container c : job.getSpec().getTemplate().getSpec().getInitContainers()) {
      List<String> env = new ArrayList<>();
      for (EnvVar e : c.getEnv()) {
        String value =
            e.getValueFrom() != null
                ? data.get(e.getValueFrom().getSecretKeyRef().getKey())
                : e.getValue().replace(StepPlanner.WORKSPACE, workspace.toString());
        env.add(e.getName() + "=" + value);
      }
      List<String> command = new ArrayList<>();
      for (String arg : c.getCommand()) {
        command.add(
            arg.replace(StepPlanner.FILES_DIR, files.toString())
                .replace(StepPlanner.STATE_DIR, state.toString()));
      }
      Path termination = dir.resolve("termination-" + c.getName());
      assertThat(exec(command, termination, env)).isZero();
      results.add(Files.readString(termination));
    }
    return results;
  }

  private static String b64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }

  /** What the kubelet writes into the downward API volume once the worker annotated the pod. */
  private void requestCancel() throws IOException {
    Path tmp = podinfo.resolve("annotations.tmp");
    Files.writeString(
        tmp,
        KubeNames.BUILD_ANNOTATION
            + "=\"b1\"\n"
            + KubeNames.CANCEL_ANNOTATION
            + "=\"2024-05-01T10:00:00Z\"");
    Files.move(tmp, podinfo.resolve("annotations"), StandardCopyOption.ATOMIC_MOVE);
  }

  private void step(int n, String script, String env, String stepEnv) throws IOException {
    Files.writeString(files.resolve(n + ".script"), script);
    Files.writeString(files.resolve(n + ".env"), env);
    Files.writeString(files.resolve(n + ".stepenv"), stepEnv);
  }

  private String run(int n, String runWhen, boolean continueOnError, String... extraEnv)
      throws Exception {
    Path termination = dir.resolve("termination-" + n);
    List<String> env = env(n, runWhen, continueOnError);
    env.addAll(List.of(extraEnv));
    int rc = exec(termination, env);
    assertThat(rc).as("a step wrapper always exits 0").isZero();
    return Files.readString(termination);
  }

  private List<String> env(int n, String runWhen, boolean continueOnError) {
    List<String> env = new ArrayList<>();
    env.add("PW_STEP=" + n);
    env.add("PW_RUN_WHEN=" + runWhen);
    env.add("PW_CONTINUE_ON_ERROR=" + continueOnError);
    env.add("PW_WORKDIR=" + workspace);
    env.add("PW_TIMEOUT=0");
    return env;
  }

  private int finish() throws Exception {
    return exec(dir.resolve("termination-0"), List.of("PW_STEP=0"));
  }

  private int exec(Path termination, List<String> env) throws Exception {
    return exec(List.of(), termination, env);
  }

  /** Runs the wrapper ({@code command} empty) or {@code command} to its end. */
  private int exec(List<String> command, Path termination, List<String> env) throws Exception {
    Process p = start(command, termination, env);
    assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
    return p.exitValue();
  }

  private Process start(List<String> command, Path termination, List<String> env)
      throws IOException {
    ProcessBuilder pb =
        new ProcessBuilder(
            command.isEmpty()
                ? List.of("/bin/sh", "-c", JobManifests.WRAPPER, "pw-step")
                : command);
    pb.environment().clear();
    pb.environment().put("PATH", "/usr/local/bin:/usr/bin:/bin");
    pb.environment().put("PW_STATE_DIR", state.toString());
    pb.environment().put("PW_FILES_DIR", files.toString());
    pb.environment().put("PW_PODINFO_DIR", podinfo.toString());
    pb.environment().put("PW_TERMINATION_LOG", termination.toString());
    for (String kv : env) {
      int eq = kv.indexOf('=');
      pb.environment().put(kv.substring(0, eq), kv.substring(eq + 1));
    }
    pb.redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("out.log").toFile()));
    return pb.start();
  }
}
