package dev.pipewright.executor.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pipewright.executor.Annotation;
import dev.pipewright.executor.GitRepos;
import dev.pipewright.executor.InMemoryLogSink;
import dev.pipewright.executor.JobRef;
import dev.pipewright.executor.JobResult;
import dev.pipewright.executor.JobRun;
import dev.pipewright.executor.JobSnapshot;
import dev.pipewright.executor.NeedResult;
import dev.pipewright.executor.RepositoryRef;
import dev.pipewright.executor.RunObserver;
import dev.pipewright.executor.RuntimeServices;
import dev.pipewright.executor.StepResult;
import dev.pipewright.models.Conclusion;
import dev.pipewright.models.ErrorCode;
import dev.pipewright.models.JobStatus;
import dev.pipewright.models.StepStatus;
import dev.pipewright.parser.WorkflowParser;
import dev.pipewright.parser.spec.WorkflowSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs real bash processes in a temporary workspace root. */
class LocalJobRunnerTest {
  private static final AtomicInteger BUILDS = new AtomicInteger();

  @TempDir Path root;
  private final InMemoryLogSink sink = new InMemoryLogSink();
  private LocalJobRunner runner;

  @BeforeEach
  void setUp() {
    runner =
        new LocalJobRunner(
            LocalRunnerConfig.defaults(root)
                .withKillGrace(Duration.ofMillis(500))
                .withOutputDrainGrace(Duration.ofMillis(200)),
            sink);
  }

  @AfterEach
  void tearDown() {
    runner.close();
  }

  /** Records callbacks; the lists show order and exactly-once delivery. */
  static final class Recorder implements RunObserver {
    final List<String> events = new CopyOnWriteArrayList<>();
    final Map<Integer, StepResult> steps = new ConcurrentHashMap<>();
    volatile JobResult result;

    @Override
    public void jobStarted(JobRef job) {
      events.add("job-started");
    }

    @Override
    public void stepStarted(JobRef job, int stepNumber, String name) {
      events.add("started " + stepNumber + " " + name);
    }

    @Override
    public void stepFinished(JobRef job, int stepNumber, StepResult r) {
      events.add("finished " + stepNumber + " " + r.status());
      steps.put(stepNumber, r);
    }

    @Override
    public void jobFinished(JobRef job, JobResult r) {
      events.add("job-finished " + r.status());
      result = r;
    }
  }

  private record Ran(JobRun run, Recorder rec) {
    StepResult step(int n) {
      return rec.steps.get(n);
    }

    JobResult result() {
      return rec.result;
    }
  }

  private Ran start(String yaml, String jobId, UnaryOperator<JobRun.Builder> customize) {
    WorkflowSpec wf = new WorkflowParser().parse(yaml, "ci.yml");
    String buildId = "b" + BUILDS.incrementAndGet();
    JobRun run =
        customize.apply(JobRun.builder(new JobRef(buildId, jobId), wf, wf.job(jobId))).build();
    Recorder rec = new Recorder();
    runner.start(run, rec);
    return new Ran(run, rec);
  }

  private Ran runToEnd(String yaml, String jobId, UnaryOperator<JobRun.Builder> customize) {
    Ran ran = start(yaml, jobId, customize);
    await().atMost(Duration.ofSeconds(20)).until(() -> ran.rec.result != null);
    return ran;
  }

  private Ran runToEnd(String yaml) {
    return runToEnd(yaml, "test", b -> b);
  }

  /** Each job instance has a workspace of its own: {@code <root>/<build>/<job>}. */
  private Path workspace(Ran ran) {
    return root.resolve(ran.run.buildId()).resolve(ran.run.jobKey());
  }

  private String log(Ran ran, int step) {
    return sink.text(ran.run.ref(), step);
  }

  private static String job(String body) {
    return "on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n" + body.stripIndent();
  }

  @Test
  void outputsEnvAndPathFlowBetweenStepsAndToTheJobResult() {
    Ran ran =
        runToEnd(
            """
            on: push
            env:
              LEVEL: workflow
              WF_ONLY: wf
            defaults:
              run:
                working-directory: sub
            jobs:
              test:
                runs-on: ubuntu-latest
                env:
                  LEVEL: job
                outputs:
                  greeting: ${{ steps.produce.outputs.greeting }}
                  multi: ${{ steps.produce.outputs.multi }}
                steps:
                  - run: mkdir -p sub/deeper
                    working-directory: .
                  - id: produce
                    name: Produce ${{ env.LEVEL }}
                    run: |
                      echo "greeting=hello from $(basename "$PWD")" >> "$GITHUB_OUTPUT"
                      { echo "multi<<EOF"; echo "a"; echo "b"; echo "EOF"; } >> "$GITHUB_OUTPUT"
                      { echo "FROM_FILE<<XYZ"; echo "line1"; echo "line2"; echo "XYZ"; } >> "$GITHUB_ENV"
                      mkdir -p "$RUNNER_TEMP/bin" && printf '#!/bin/sh\\necho tool-ran\\n' > "$RUNNER_TEMP/bin/mytool"
                      chmod +x "$RUNNER_TEMP/bin/mytool" && echo "$RUNNER_TEMP/bin" >> "$GITHUB_PATH"
                      echo "# Summary" >> "$GITHUB_STEP_SUMMARY"
                  - env:
                      LEVEL: step
                    working-directory: sub/deeper
                    run: |
                      echo "level=$LEVEL wf=$WF_ONLY file=$FROM_FILE dir=$(basename "$PWD")"
                      echo "out=${{ steps.produce.outputs.greeting }} outcome=${{ steps.produce.outcome }}"
                      echo "ci=$CI gha=$GITHUB_ACTIONS job=$GITHUB_JOB run=$GITHUB_RUN_ID home=${HOME:+set}"
                      mytool
            """);
    assertThat(ran.result().status()).isEqualTo(JobStatus.SUCCEEDED);
    assertThat(ran.result().outputs())
        .containsEntry("greeting", "hello from sub")
        .containsEntry("multi", "a\nb");
    assertThat(ran.step(2).outputs()).containsEntry("greeting", "hello from sub");
    assertThat(ran.step(2).summary()).isEqualTo("# Summary\n");
    assertThat(log(ran, 3))
        .contains("level=step wf=wf file=line1")
        .contains("line2 dir=deeper")
        .contains("out=hello from sub outcome=success")
        .contains("ci=true gha=true job=test run=" + ran.run.buildId() + " home=set")
        .contains("tool-ran");
    assertThat(ran.rec.events)
        .containsExactly(
            "job-started",
            "started 1 Run mkdir -p sub/deeper",
            "finished 1 SUCCEEDED",
            "started 2 Produce job",
            "finished 2 SUCCEEDED",
            "started 3 Run echo \"level=$LEVEL wf=$WF_ONLY file=$FROM_FILE dir=$(basename \"$PWD\")\"",
            "finished 3 SUCCEEDED",
            "job-finished SUCCEEDED");
    assertThat(runner.status(ran.run.ref()).phase()).isEqualTo(JobSnapshot.Phase.FINISHED);
  }

  @Test
  void ifConditionsAndContinueOnErrorFollowGitHub() {
    Ran ran =
        runToEnd(
            job(
                """
                    steps:
                      - id: soft
                        run: exit 2
                        continue-on-error: true
                      - run: echo "soft=${{ steps.soft.outcome }}/${{ steps.soft.conclusion }}"
                      - run: echo "skipped on success"
                        if: failure()
                      - run: exit 3
                      - run: echo never
                      - run: echo "after failure"
                        if: failure()
                      - run: echo "always"
                        if: always()
                      - run: echo "${{ job.status }}"
                        if: ${{ always() }}
                """));
    assertThat(ran.step(1).status()).isEqualTo(StepStatus.SUCCEEDED);
    assertThat(ran.step(1).outcome()).isEqualTo("failure");
    assertThat(ran.step(1).conclusion()).isEqualTo("success");
    assertThat(ran.step(1).exitCode()).isEqualTo(2);
    assertThat(log(ran, 2)).contains("soft=failure/success");
    assertThat(ran.step(3).status()).isEqualTo(StepStatus.SKIPPED);
    assertThat(ran.step(4).status()).isEqualTo(StepStatus.FAILED);
    assertThat(ran.step(4).errorCode()).isEqualTo(ErrorCode.PERMANENT);
    assertThat(log(ran, 4)).contains("##[error]Process completed with exit code 3.");
    assertThat(ran.step(5).status()).isEqualTo(StepStatus.SKIPPED);
    assertThat(ran.step(6).status()).isEqualTo(StepStatus.SUCCEEDED);
    assertThat(ran.step(7).status()).isEqualTo(StepStatus.SUCCEEDED);
    assertThat(log(ran, 8)).contains("failure");
    assertThat(ran.rec.events).doesNotContain("started 3 Run echo \"skipped on success\"");
    assertThat(ran.result().status()).isEqualTo(JobStatus.FAILED);
    assertThat(ran.result().errorCode()).isEqualTo(ErrorCode.PERMANENT);
    assertThat(ran.result().errorMessage()).isEqualTo("Process completed with exit code 3.");
  }

  @Test
  void stepTimeoutKillsTheWholeProcessTree() throws Exception {
    Ran ran =
        runToEnd(
            job(
                """
                    steps:
                      - run: |
                          sleep 300 &
                          echo $! > bg.pid
                          echo started
                          sleep 300
                          wait
                        timeout-minutes: 0.01
                      - run: echo "next sees ${{ steps.x.outcome }}"
                        if: always()
                """));
    StepResult timedOut = ran.step(1);
    assertThat(timedOut.status()).isEqualTo(StepStatus.FAILED);
    assertThat(timedOut.errorCode()).isEqualTo(ErrorCode.TIMEOUT);
    // StepsRunner.cs: "The action '<name>' has timed out after <n> minutes."
    assertThat(log(ran, 1))
        .contains("started")
        .contains("##[error]The action 'Run sleep 300 &' has timed out after 0.6s.");
    long pid = Long.parseLong(Files.readString(workspace(ran).resolve("bg.pid")).strip());
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> ProcessHandle.of(pid).map(h -> !h.isAlive()).orElse(true));
    assertThat(ran.step(2).status()).isEqualTo(StepStatus.SUCCEEDED);
    assertThat(ran.result().errorCode()).isEqualTo(ErrorCode.TIMEOUT);
  }

  @Test
  void backgroundProcessesOutliveTheirStepAndDieWithTheJob() throws Exception {
    Ran ran =
        runToEnd(
            job(
                """
                    steps:
                      - run: |
                          nohup sleep 300 > /dev/null 2>&1 &
                          echo $! > bg.pid
                      - run: kill -0 "$(cat bg.pid)" && echo "still running"
                """));
    assertThat(ran.result().status()).isEqualTo(JobStatus.SUCCEEDED);
    assertThat(log(ran, 2)).contains("still running");
    long pid = Long.parseLong(Files.readString(workspace(ran).resolve("bg.pid")).strip());
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> ProcessHandle.of(pid).map(h -> !h.isAlive()).orElse(true));
  }

  /**
   * GitHub delivers a job's timeout as a cancellation (JobDispatcher: a JobCancelMessage), so the
   * running step is cancelled and an always() step still runs (StepsRunner.cs).
   */
  @Test
  void jobTimeoutFailsTheJobCancelsTheRunningStepAndStillRunsAlwaysSteps() {
    Ran ran =
        runToEnd(
            """
            on: push
            jobs:
              test:
                runs-on: ubuntu-latest
                timeout-minutes: 0.01
                steps:
                  - run: sleep 300
                  - run: echo never
                  - run: echo "cleanup ${{ job.status }} ${{ cancelled() }}"
                    if: always()
            """);
    assertThat(ran.step(1).status()).isEqualTo(StepStatus.CANCELLED);
    assertThat(ran.step(1).errorCode()).isEqualTo(ErrorCode.TIMEOUT);
    assertThat(ran.step(2).status())
        .as("not run: StepsRunner.cs Skipped")
        .isEqualTo(StepStatus.SKIPPED);
    assertThat(ran.step(3).status()).isEqualTo(StepStatus.SUCCEEDED);
    assertThat(log(ran, 3)).contains("cleanup cancelled true");
    assertThat(ran.result().status()).isEqualTo(JobStatus.FAILED);
    assertThat(ran.result().errorCode()).isEqualTo(ErrorCode.TIMEOUT);
    assertThat(ran.result().errorMessage()).contains("maximum execution time");
  }

  @Test
  void cancelKillsTheRunningTreeAndStillRunsAlwaysSteps() throws Exception {
    Ran ran =
        start(
            job(
                """
                    steps:
                      - run: |
                          sleep 300 &
                          echo $! > bg.pid
                          echo ready
                          wait
                      - run: echo not after cancel
                      - run: echo "cleanup ${{ job.status }} ${{ cancelled() }}"
                        if: always()
                """),
            "test",
            b -> b);
    await().atMost(Duration.ofSeconds(10)).until(() -> log(ran, 1).contains("ready"));
    assertThat(runner.status(ran.run.ref()).phase()).isEqualTo(JobSnapshot.Phase.RUNNING);
    assertThat(runner.status(ran.run.ref()).currentStep()).isEqualTo(1);
    long cancelledAt = System.nanoTime();
    runner.cancelBuild(ran.run.buildId());
    runner.cancel(ran.run.ref());
    await().atMost(Duration.ofSeconds(10)).until(() -> ran.result() != null);
    assertThat(Duration.ofNanos(System.nanoTime() - cancelledAt)).isLessThan(Duration.ofSeconds(5));
    assertThat(ran.step(1).status()).isEqualTo(StepStatus.CANCELLED);
    assertThat(ran.step(2).status())
        .as("not run: StepsRunner.cs Skipped")
        .isEqualTo(StepStatus.SKIPPED);
    assertThat(ran.step(3).status()).isEqualTo(StepStatus.SUCCEEDED);
    assertThat(log(ran, 3)).contains("cleanup cancelled true");
    assertThat(ran.result().status()).isEqualTo(JobStatus.CANCELLED);
    assertThat(ran.result().errorCode()).isEqualTo(ErrorCode.CANCELLED);
    long pid = Long.parseLong(Files.readString(workspace(ran).resolve("bg.pid")).strip());
    // Killed with its group; an orphan is reaped by init a moment later.
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> ProcessHandle.of(pid).map(h -> !h.isAlive()).orElse(true));
  }

  @Test
  void secretsAndAddMaskValuesNeverReachTheLog() {
    Ran ran =
        runToEnd(
            job(
                """
                    outputs:
                      leaked: ${{ steps.s.outputs.token }}
                    steps:
                      - id: s
                        env:
                          PASSWORD: ${{ secrets.DB_PASSWORD }}
                        run: |
                          echo "password is $PASSWORD"
                          echo "::add-mask::generated-9f8e"
                          echo "token generated-9f8e" >&2
                          echo "token=generated-9f8e" >> "$GITHUB_OUTPUT"
                          echo "::error file=a.sh,line=2::bad $PASSWORD"
                          echo "::group::Details"
                          echo "::endgroup::"
                """),
            "test",
            b -> b.secrets(Map.of("DB_PASSWORD", "pa55-word")));
    String log = log(ran, 1);
    assertThat(log)
        .doesNotContain("pa55-word")
        .doesNotContain("generated-9f8e")
        .contains("password is ***")
        .doesNotContain("add-mask")
        .contains("token ***")
        .contains("##[error]bad ***")
        .contains("##[group]Details")
        .contains("##[endgroup]");
    assertThat(ran.step(1).annotations())
        .containsExactly(
            new Annotation(Annotation.Level.ERROR, "bad ***", "a.sh", 2, null, 2, null, null));
    assertThat(ran.step(1).outputs()).containsEntry("token", "***");
    // JobExtension.cs FinalizeJob: an output holding a secret is not passed on.
    assertThat(ran.result().outputs()).doesNotContainKey("leaked");
    assertThat(log(ran, 0))
        .contains("##[warning]Skip output 'leaked' since it may contain secret.");
  }

  @Test
  void everyStepGetsTheServicesOfItsRunAndTheTokenIsMasked() {
    // The variables the runner gives a job (actions/runner JobRunner.cs: ACTIONS_RUNTIME_TOKEN,
    // ACTIONS_RESULTS_URL, ACTIONS_CACHE_URL) and the v2 switch of @actions/cache (config.ts).
    Ran ran =
        runToEnd(
            job(
                """
                    steps:
                      - run: |
                          echo "token $ACTIONS_RUNTIME_TOKEN"
                          echo "results $ACTIONS_RESULTS_URL cache $ACTIONS_CACHE_URL"
                          echo "v2 $ACTIONS_CACHE_SERVICE_V2"
                      - run: test "$ACTIONS_RUNTIME_TOKEN" = "ey.job-token.sig"
                """),
            "test",
            b -> b.services(new RuntimeServices("ey.job-token.sig", "http://api:8080")));
    assertThat(ran.result().status()).isEqualTo(JobStatus.SUCCEEDED);
    assertThat(log(ran, 1))
        .doesNotContain("job-token")
        .contains("token ***")
        .contains("results http://api:8080/ cache http://api:8080/")
        .contains("v2 true");
  }

  @Test
  void withoutServicesAJobHasNoRuntimeVariables() {
    Ran ran =
        runToEnd(
            job(
                """
                    steps:
                      - run: test -z "${ACTIONS_RUNTIME_TOKEN+set}${ACTIONS_RESULTS_URL+set}"
                """),
            "test",
            b -> b);
    assertThat(ran.result().status()).isEqualTo(JobStatus.SUCCEEDED);
  }

  @Test
  void checksOutALocalRepositoryIntoTheWorkspace(@TempDir Path origin) throws Exception {
    String sha = GitRepos.repository(origin, "hello repo\n");
    Files.writeString(origin.resolve("README.md"), "second version\n");
    GitRepos.git(
        origin, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-am", "second");
    Ran ran =
        runToEnd(
            job(
                """
                    steps:
                      - run: echo leftover > stale.txt
                      - uses: actions/checkout@v4
                      - uses: actions/checkout@v4
                        with:
                          path: copy
                          ref: refs/heads/main
                      - run: |
                          cat README.md
                          cat copy/README.md
                          git rev-parse HEAD
                          test ! -e stale.txt
                """),
            "test",
            b ->
                b.repository(
                    new RepositoryRef(origin.toString(), "acme/app", "refs/heads/main", sha)));
    assertThat(ran.result().status())
        .as(sink.jobText(ran.run.ref()))
        .isEqualTo(JobStatus.SUCCEEDED);
    assertThat(log(ran, 4)).contains("hello repo\nsecond version\n" + sha);
    assertThat(log(ran, 2)).contains("HEAD is now at");
  }

  /**
   * Issue 12: parallel jobs that each start with actions/checkout used to collide in one shared
   * workspace ("remote origin already exists"); each now checks out into its own.
   */
  @Test
  void threeParallelJobsEachCheckOutIntoTheirOwnWorkspace(@TempDir Path origin) throws Exception {
    GitRepos.checkThreeParallelCheckouts(
        runner, sink, origin, root, "co" + BUILDS.incrementAndGet());
  }

  /**
   * What the engine does not run fails its step when reached, saying why (an action of a kind it
   * does not know, a docker action built from a Dockerfile), as does a remote action on a runner
   * without a source of actions.
   */
  @Test
  void actionsTheEngineDoesNotRunFailTheirStepSayingWhy() {
    Ran ran =
        runToEnd(
            job(
                "    steps:\n"
                    + "      - run: |\n"
                    + "          mkdir js built\n"
                    + "          printf 'runs:\\n  using: node10\\n  main: i.js\\n' > js/action.yml\n"
                    + "          printf 'runs:\\n  using: docker\\n  image: Dockerfile\\n'"
                    + " > built/action.yml\n"
                    + "      - uses: ./js\n"
                    + "      - if: always()\n"
                    + "        uses: ./built\n"
                    + "      - if: always()\n"
                    + "        uses: actions/setup-node@v4\n"
                    + "      - run: echo never\n"));
    assertThat(ran.step(1).status())
        .as(sink.jobText(ran.run.ref()))
        .isEqualTo(StepStatus.SUCCEEDED);
    assertThat(List.of(2, 3, 4))
        .allSatisfy(
            n -> {
              assertThat(ran.step(n).status()).isEqualTo(StepStatus.FAILED);
              assertThat(ran.step(n).errorCode()).isEqualTo(ErrorCode.PERMANENT);
            });
    assertThat(ran.step(2).errorMessage())
        .isEqualTo(
            "uses: ./js: actions with 'runs.using: node10' are not supported (composite, docker,"
                + " node12 to node24 actions are)");
    assertThat(ran.step(3).errorMessage())
        .isEqualTo(
            "uses: ./built: the action's image 'Dockerfile' is built from a Dockerfile, which"
                + " Pipewright cannot do yet (no image builder); only docker actions with 'image:"
                + " docker://<image>' run");
    assertThat(ran.step(4).errorMessage())
        .isEqualTo(
            "uses: actions/setup-node@v4: this runner has no source of remote actions configured");
    assertThat(ran.step(5).status()).isEqualTo(StepStatus.SKIPPED);
  }

  @Test
  void shellsAndMatrixNeedsContexts() {
    Ran ran =
        runToEnd(
            job(
                """
                    defaults:
                      run:
                        shell: sh
                    steps:
                      - run: echo "sh ${{ matrix.os }} ${{ needs.build.outputs.v }} ${{ strategy.job-total }}"
                      - shell: python
                        run: print("py", 6 * 7)
                      - shell: bash
                        run: false | true
                        continue-on-error: true
                      - shell: bash {0}
                        run: false | true; echo "custom without pipefail"
                      - shell: perl {0}
                        run: print "perl\\n";
                """),
            "test",
            b ->
                b.matrix(Map.of("os", "linux"))
                    .needs(
                        Map.of("build", new NeedResult(Conclusion.SUCCESS, Map.of("v", "1.0")))));
    assertThat(log(ran, 1)).contains("sh linux 1.0 1");
    assertThat(log(ran, 2)).contains("py 42");
    assertThat(ran.step(3).outcome()).as("bash keyword sets pipefail").isEqualTo("failure");
    assertThat(log(ran, 4))
        .as(ran.rec.events + sink.jobText(ran.run.ref()))
        .contains("custom without pipefail");
    assertThat(ran.step(4).status()).isEqualTo(StepStatus.SUCCEEDED);
    assertThat(log(ran, 5)).isEqualTo("perl\n");
    assertThat(ran.result().status()).isEqualTo(JobStatus.SUCCEEDED);
  }

  @Test
  void startIsIdempotentJobsRunInParallelEachInItsOwnWorkspaceAndReleaseDeletesThem(
      @TempDir Path shared) {
    String yaml =
        """
        on: push
        jobs:
          a:
            runs-on: ubuntu-latest
            steps:
              - run: touch a.done "$SHARED/a"; while [ ! -e "$SHARED/b" ]; do sleep 0.05; done
          b:
            runs-on: ubuntu-latest
            steps:
              - run: touch b.done "$SHARED/b"; while [ ! -e "$SHARED/a" ]; do sleep 0.05; done
        env:
          SHARED: %s
        """
            .formatted(shared);
    WorkflowSpec wf = new WorkflowParser().parse(yaml, "ci.yml");
    String buildId = "par" + BUILDS.incrementAndGet();
    Recorder ra = new Recorder();
    Recorder rb = new Recorder();
    JobRun a = JobRun.builder(new JobRef(buildId, "a"), wf, wf.job("a")).build();
    JobRun b = JobRun.builder(new JobRef(buildId, "b"), wf, wf.job("b")).build();
    runner.start(a, ra);
    runner.start(a, ra);
    runner.start(b, rb);
    await().atMost(Duration.ofSeconds(10)).until(() -> ra.result != null && rb.result != null);
    assertThat(ra.result.status()).isEqualTo(JobStatus.SUCCEEDED);
    assertThat(rb.result.status()).isEqualTo(JobStatus.SUCCEEDED);
    assertThat(ra.events).containsOnlyOnce("job-started");
    assertThat(runner.status(buildId)).extracting(s -> s.ref().jobKey()).containsExactly("a", "b");
    assertThat(root.resolve(buildId).resolve("a").resolve("a.done")).exists();
    assertThat(root.resolve(buildId).resolve("b").resolve("b.done")).exists();
    assertThat(root.resolve(buildId).resolve("a").resolve("b.done")).doesNotExist();

    assertThat(runner.attach(a, ra).phase()).isEqualTo(JobSnapshot.Phase.FINISHED);
    try (LocalJobRunner restarted = new LocalJobRunner(LocalRunnerConfig.defaults(root), sink)) {
      assertThat(restarted.attach(a, RunObserver.NONE).phase()).isEqualTo(JobSnapshot.Phase.LOST);
      JobRun never = JobRun.builder(new JobRef(buildId, "c"), wf, wf.job("a")).build();
      assertThat(restarted.attach(never, RunObserver.NONE).phase())
          .isEqualTo(JobSnapshot.Phase.UNKNOWN);
    }
    runner.releaseBuild(buildId);
    assertThat(Files.exists(root.resolve(buildId))).isFalse();
    assertThat(runner.status(a.ref()).phase()).isEqualTo(JobSnapshot.Phase.UNKNOWN);
  }

  /** Its processes died with the worker: the job starts over, and its log says so. */
  @Test
  void aLaterAttemptOnTheProcessHostRunsAgainWithAMarker() {
    Ran ran = runToEnd(job("    steps:\n      - run: echo again\n"), "test", b -> b.attempt(2));
    assertThat(ran.result().status()).isEqualTo(JobStatus.SUCCEEDED);
    assertThat(log(ran, 0))
        .isEqualTo(
            "##[warning]Attempt 2: the job runs again from its first step (attempt 1 was lost"
                + " with its worker or its host)\n");
    assertThat(log(ran, 1)).isEqualTo("again\n");
  }

  @Test
  void aCancelledQueuedJobNeverRuns() {
    LocalJobRunner single =
        new LocalJobRunner(
            LocalRunnerConfig.defaults(root)
                .withMaxParallelJobs(1)
                .withKillGrace(Duration.ofMillis(200)),
            sink);
    try (single) {
      String yaml = job("    steps:\n      - run: sleep 300\n");
      WorkflowSpec wf = new WorkflowParser().parse(yaml, "ci.yml");
      Recorder first = new Recorder();
      Recorder second = new Recorder();
      single.start(JobRun.builder(new JobRef("q1", "test"), wf, wf.job("test")).build(), first);
      JobSnapshot queued =
          single.start(
              JobRun.builder(new JobRef("q2", "test"), wf, wf.job("test")).build(), second);
      assertThat(queued.phase()).isEqualTo(JobSnapshot.Phase.QUEUED);
      single.cancelBuild("q2");
      await().atMost(Duration.ofSeconds(5)).until(() -> second.result != null);
      assertThat(second.result.status()).isEqualTo(JobStatus.CANCELLED);
      assertThat(second.events).doesNotContain("job-started");
      assertThat(second.steps.get(1).status()).isEqualTo(StepStatus.CANCELLED);
      single.cancelBuild("q1");
      await().atMost(Duration.ofSeconds(5)).until(() -> first.result != null);
      assertThat(first.result.status()).isEqualTo(JobStatus.CANCELLED);
    }
  }
}
