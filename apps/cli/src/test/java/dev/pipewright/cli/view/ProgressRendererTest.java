package dev.pipewright.cli.view;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pipewright.models.BuildStatus;
import dev.pipewright.models.ErrorCode;
import dev.pipewright.models.JobStatus;
import dev.pipewright.models.StepStatus;
import dev.pipewright.models.SubStep;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProgressRendererTest {
  private static final Instant T0 = Instant.parse("2026-01-01T10:00:00Z");

  private static StepState step(int n, String name, StepStatus status) {
    return new StepState(
        n, name, status, null, null, null, null, null, 1, List.of(), null, null, List.of());
  }

  private static JobState job(String key, JobStatus status, StepState... steps) {
    return new JobState(key, key, status, null, null, null, null, List.of(steps));
  }

  private static BuildState build(BuildStatus status, JobState... jobs) {
    return new BuildState(
        "0123456789abcdef",
        "p",
        7,
        status,
        null,
        null,
        false,
        null,
        T0,
        T0,
        null,
        1,
        List.of(jobs));
  }

  @Test
  void reportsEachStateChangeOnceInPlainMode() {
    ProgressRenderer r = new ProgressRenderer(Style.of(false), false);
    assertThat(r.snapshot(build(BuildStatus.QUEUED), T0))
        .containsExactly("build #7 01234567: queued");
    List<String> running =
        r.snapshot(
            build(
                BuildStatus.RUNNING,
                job("build", JobStatus.RUNNING, step(1, "Compile", StepStatus.RUNNING))),
            T0.plusSeconds(1));
    assertThat(running)
        .containsExactly(
            "build #7 01234567: running", "job build: running", "build/1 Compile: running");
    BuildState same =
        build(
            BuildStatus.RUNNING,
            job("build", JobStatus.RUNNING, step(1, "Compile", StepStatus.RUNNING)));
    assertThat(r.snapshot(same, T0.plusSeconds(2))).isEmpty();
    List<String> done =
        r.snapshot(
            build(
                BuildStatus.SUCCEEDED,
                job("build", JobStatus.SUCCEEDED, step(1, "Compile", StepStatus.SUCCEEDED))),
            T0.plusMillis(3500));
    // Durations from what the renderer saw, as the in-memory store has no start times.
    assertThat(done)
        .containsExactly("build/1 Compile: succeeded in 2.5s", "job build: succeeded in 2.5s");
  }

  @Test
  void prefersTheSourcesTimesAndShowsWhyAStepFailed() {
    ProgressRenderer r = new ProgressRenderer(Style.of(false), true);
    StepState failed =
        new StepState(
            2,
            "Test",
            StepStatus.FAILED,
            3,
            ErrorCode.PERMANENT,
            "Process completed with exit code 3.",
            T0,
            T0.plusMillis(1200),
            1,
            List.of(
                new Annotation("error", "3 tests failed\nsee log", "src/t.c", 4, 2, 4, 2, "Tests"),
                new Annotation("notice", "done", null, null, null, null, null, null)),
            null,
            null,
            List.of());
    JobState job =
        new JobState(
            "test.1",
            "Test (ubuntu-latest, 1)",
            JobStatus.FAILED,
            ErrorCode.PERMANENT,
            "step 2 failed",
            T0,
            T0.plusSeconds(2),
            List.of(step(1, "Checkout", StepStatus.SUCCEEDED), failed));
    List<String> lines = r.snapshot(build(BuildStatus.RUNNING, job), T0.plusSeconds(9));
    assertThat(lines)
        .containsExactly(
            "build #7 01234567: running",
            "Test (ubuntu-latest, 1)/1 Checkout: succeeded",
            "Test (ubuntu-latest, 1)/2 Test: failed in 1.2s (exit code 3): Process completed with"
                + " exit code 3.",
            "job Test (ubuntu-latest, 1): failed in 2.0s: step 2 failed");
    assertThat(r.log(new LogText("test.1", 2, "FAIL\n")))
        .containsExactly("Test (ubuntu-latest, 1)/2 | FAIL");
    assertThat(r.details(build(BuildStatus.RUNNING, job), T0.plusSeconds(9), false))
        .containsSubsequence(
            "  job Test (ubuntu-latest, 1) [test.1]: failed in 2.0s: step 2 failed",
            "    2 Test: failed in 1.2s (exit code 3): Process completed with exit code 3.",
            "      error src/t.c:4:2: Tests: 3 tests failed",
            "      notice done");
  }

  @Test
  void theDetailsNameTheAttemptOfAStepRunAgain() {
    ProgressRenderer r = new ProgressRenderer(Style.of(false), false);
    StepState again =
        new StepState(
            1,
            "Count",
            StepStatus.SUCCEEDED,
            0,
            null,
            null,
            T0,
            T0.plusSeconds(2),
            2,
            List.of(),
            null,
            null,
            List.of());
    JobState job = job("slow", JobStatus.SUCCEEDED, again, step(2, "Last", StepStatus.SUCCEEDED));
    assertThat(r.details(build(BuildStatus.SUCCEEDED, job), T0.plusSeconds(9), false))
        .contains("    1 Count: succeeded in 2.0s (attempt 2)", "    2 Last: succeeded");
  }

  @Test
  void theDetailsNameTheAttemptOfABuildRunAgain() {
    ProgressRenderer r = new ProgressRenderer(Style.of(false), false);
    BuildState rerun =
        new BuildState(
            "0123456789abcdef",
            "p",
            7,
            BuildStatus.QUEUED,
            null,
            null,
            false,
            null,
            T0,
            null,
            null,
            3,
            List.of());
    assertThat(r.details(rerun, T0, false))
        .anySatisfy(l -> assertThat(l).startsWith("  pipeline p, number 7, attempt 3, created "));
    assertThat(r.details(build(BuildStatus.QUEUED), T0, false))
        .anySatisfy(l -> assertThat(l).startsWith("  pipeline p, number 7, created "));
  }

  @Test
  void theDetailsNameTheActionAStepRanAndTheCommitItResolvedTo() {
    ProgressRenderer r = new ProgressRenderer(Style.of(false), false);
    String sha = "0123456789abcdef0123456789abcdef01234567";
    StepState remote =
        new StepState(
            1,
            "Greet",
            StepStatus.SUCCEEDED,
            null,
            null,
            null,
            null,
            null,
            1,
            List.of(),
            "acme/greet@v1",
            sha,
            List.of());
    StepState local =
        new StepState(
            2,
            "Local",
            StepStatus.SUCCEEDED,
            null,
            null,
            null,
            null,
            null,
            1,
            List.of(),
            "./.github/actions/x",
            null,
            List.of());
    JobState job = job("a", JobStatus.SUCCEEDED, remote, local);
    assertThat(r.details(build(BuildStatus.SUCCEEDED, job), T0, false))
        .contains(
            "    1 Greet: succeeded (acme/greet@v1 at 0123456789ab)",
            "    2 Local: succeeded (./.github/actions/x)");
  }

  @Test
  void theDetailsNestAnActionsInnerStepsUnderItsCaller() {
    ProgressRenderer r = new ProgressRenderer(Style.of(false), false);
    StepState caller =
        new StepState(
            1,
            "Build",
            StepStatus.FAILED,
            null,
            null,
            null,
            null,
            null,
            1,
            List.of(),
            "acme/build@v1",
            null,
            List.of(
                new SubStep(1, "Run ./configure", StepStatus.SUCCEEDED, null),
                new SubStep(
                    2,
                    "Run acme/make@v2",
                    StepStatus.FAILED,
                    List.of(new SubStep(1, "Run make", StepStatus.FAILED, null))),
                new SubStep(3, "Run echo done", StepStatus.SKIPPED, null)));
    assertThat(r.details(build(BuildStatus.FAILED, job("a", JobStatus.FAILED, caller)), T0, false))
        .containsSubsequence(
            "    1 Build: failed (acme/build@v1)",
            "      1 Run ./configure: succeeded",
            "      2 Run acme/make@v2: failed",
            "        1 Run make: failed",
            "      3 Run echo done: skipped");
  }

  @Test
  void aJobWithoutANameIsShownByItsKey() {
    ProgressRenderer r = new ProgressRenderer(Style.of(false), false);
    JobState unnamed = new JobState("lint", "", JobStatus.RUNNING, null, null, T0, null, List.of());
    assertThat(r.snapshot(build(BuildStatus.RUNNING, unnamed), T0)).contains("job lint: running");
    assertThat(r.details(build(BuildStatus.RUNNING, unnamed), T0, false))
        .contains("  job lint: running in 0.0s");
  }

  @Test
  void aStepThatFailedWithContinueOnErrorReadsAsContinued() {
    ProgressRenderer r = new ProgressRenderer(Style.of(false), true);
    StepState soft =
        new StepState(
            1,
            "Flaky",
            StepStatus.SUCCEEDED,
            1,
            ErrorCode.PERMANENT,
            "exit 1",
            T0,
            T0,
            1,
            List.of(),
            null,
            null,
            List.of());
    List<String> lines =
        r.snapshot(build(BuildStatus.RUNNING, job("a", JobStatus.RUNNING, soft)), T0);
    assertThat(lines)
        .contains("a/1 Flaky: succeeded in 0.0s (exit code 1): continued after: exit 1");
  }

  @Test
  void skippedStepsAndJobsHaveNoDuration() {
    ProgressRenderer r = new ProgressRenderer(Style.of(false), true);
    List<String> lines =
        r.snapshot(
            build(
                BuildStatus.RUNNING,
                job("deploy", JobStatus.SKIPPED, step(1, "Ship", StepStatus.SKIPPED))),
            T0);
    assertThat(lines)
        .containsExactly(
            "build #7 01234567: running", "deploy/1 Ship: skipped", "job deploy: skipped");
  }

  @Test
  void prefixesEveryLogLineWithItsJobAndStep() {
    ProgressRenderer r = new ProgressRenderer(Style.of(false), false);
    assertThat(r.log(new LogText("build", 2, "one\ntwo\n")))
        .containsExactly("build/2 | one", "build/2 | two");
    assertThat(r.log(new LogText("build", 0, "setting up\n")))
        .containsExactly("build | setting up");
    assertThat(r.log(new LogText("", 0, "x\n"))).containsExactly("build | x");
    assertThat(r.log(new LogText("j", 1, "no newline"))).containsExactly("j/1 | no newline");
    assertThat(r.log(new LogText("j", 1, "50%\r100%\r\n"))).containsExactly("j/1 | 100%");
  }

  @Test
  void tableAlignsJobsAndSummaryEndsWithTheOutcome() {
    ProgressRenderer r = new ProgressRenderer(Style.of(false), true);
    JobState a =
        new JobState("a", "a", JobStatus.SUCCEEDED, null, null, T0, T0.plusSeconds(65), List.of());
    JobState longer =
        new JobState("longer.1", "longer-job", JobStatus.RUNNING, null, null, T0, null, List.of());
    JobState pending = job("pending", JobStatus.PENDING);
    BuildState b = build(BuildStatus.RUNNING, a, longer, pending);
    assertThat(r.table(b, T0.plusSeconds(70)))
        .containsExactly(
            "build #7 01234567 running 1m 10s",
            "  a           succeeded  1m 05s",
            "  longer-job  running    1m 10s",
            "  pending     pending");
    BuildState failed =
        new BuildState(
            "0123456789abcdef",
            "p",
            7,
            BuildStatus.FAILED,
            ErrorCode.PERMANENT,
            "job a failed",
            false,
            null,
            T0,
            T0,
            T0.plusSeconds(3),
            1,
            List.of(
                new JobState(
                    "a",
                    "a",
                    JobStatus.FAILED,
                    null,
                    null,
                    T0,
                    T0.plusSeconds(3),
                    List.of(
                        new StepState(
                            1,
                            "Make",
                            StepStatus.FAILED,
                            2,
                            ErrorCode.PERMANENT,
                            null,
                            T0,
                            T0,
                            1,
                            List.of(),
                            null,
                            null,
                            List.of())))));
    assertThat(r.summary(failed, T0.plusSeconds(5)))
        .containsExactly(
            "── summary",
            "  a  failed     3.0s",
            "  ✗ a/1 Make (exit code 2)",
            "build #7 01234567 failed in 3.0s: job a failed");
  }

  @Test
  void errorCodesAreToldInPlainWordsNeverByTheirNames() {
    ProgressRenderer r = new ProgressRenderer(Style.of(false), false);
    JobState lost =
        new JobState(
            "a", "a", JobStatus.FAILED, ErrorCode.TRANSIENT, "runner lost", T0, T0, List.of());
    JobState slow =
        new JobState("b", "b", JobStatus.FAILED, ErrorCode.TIMEOUT, null, T0, T0, List.of());

    assertThat(r.details(build(BuildStatus.FAILED, lost), T0, false))
        .contains("  job a: failed in 0.0s: runner lost (a temporary infrastructure failure)");
    assertThat(r.details(build(BuildStatus.FAILED, slow), T0, false))
        .contains("  job b: failed in 0.0s (timed out)");
    for (ErrorCode code : ErrorCode.values()) {
      assertThat(ProgressRenderer.whyInWords(code)).doesNotContain(code.name());
    }
  }

  @Test
  void changesMarkTheLinesThatTellAnEnd() {
    ProgressRenderer r = new ProgressRenderer(Style.of(false), false);
    JobState running =
        new JobState(
            "a",
            "a",
            JobStatus.RUNNING,
            null,
            null,
            T0,
            null,
            List.of(step(1, "Make", StepStatus.RUNNING)));
    JobState done =
        new JobState(
            "a",
            "a",
            JobStatus.SUCCEEDED,
            null,
            null,
            T0,
            T0.plusSeconds(2),
            List.of(step(1, "Make", StepStatus.SUCCEEDED)));

    assertThat(r.changes(build(BuildStatus.RUNNING, running), T0))
        .extracting(ProgressRenderer.Change::end)
        .containsExactly(false, false, false);
    assertThat(r.changes(build(BuildStatus.RUNNING, done), T0.plusSeconds(2)))
        .extracting(ProgressRenderer.Change::line, ProgressRenderer.Change::end)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("a/1 Make: succeeded in 2.0s", true),
            org.assertj.core.groups.Tuple.tuple("job a: succeeded in 2.0s", true));
  }

  @Test
  void coloursOnlyWhenAsked() {
    ProgressRenderer plain = new ProgressRenderer(Style.of(false), false);
    ProgressRenderer color = new ProgressRenderer(Style.of(true), false);
    BuildState b = build(BuildStatus.RUNNING, job("a", JobStatus.RUNNING));
    assertThat(String.join("", plain.table(b, T0))).doesNotContain("\u001b[");
    assertThat(String.join("", color.table(b, T0))).contains("\u001b[36mrunning\u001b[0m");
  }

  @Test
  void durationsAreShortAndHuman() {
    assertThat(Durations.format(java.time.Duration.ofMillis(340))).isEqualTo("0.3s");
    assertThat(Durations.format(java.time.Duration.ofMillis(59_999))).isEqualTo("59.9s");
    assertThat(Durations.format(java.time.Duration.ofSeconds(125))).isEqualTo("2m 05s");
    assertThat(Durations.format(java.time.Duration.ofMinutes(62))).isEqualTo("1h 02m");
    assertThat(Durations.format(java.time.Duration.ofMillis(-5))).isEqualTo("0.0s");
  }
}
