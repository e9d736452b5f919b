package dev.pipewright.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pipewright.api.ci.v1.Build;
import dev.pipewright.api.ci.v1.BuildStatus;
import dev.pipewright.api.ci.v1.JobStatus;
import dev.pipewright.api.ci.v1.RerunBuildRequest;
import dev.pipewright.api.ci.v1.RerunBuildResponse;
import dev.pipewright.api.ci.v1.Variable;
import dev.pipewright.secrets.SecretKeys;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * RerunBuild through the public API on the real services, as GitHub's "Re-running workflows and
 * jobs" describes it (docs: actions/managing-workflow-runs-and-deployments/managing-workflow-runs/
 * re-running-workflows-and-jobs): "Re-run failed jobs" runs the failed jobs and their dependents
 * and keeps the others with their outputs; "Re-run all jobs" runs everything; each re-run is the
 * run's next attempt.
 */
class RerunE2EIT {
  private static final Duration END = Duration.ofSeconds(90);
  private static final Pattern STAMP = Pattern.compile("stamp (\\S+)");

  private static Path dir;
  private static Installation pw;

  @BeforeAll
  static void start() throws Exception {
    dir = Files.createTempDirectory("pw-e2e-rerun-");
    Path keyFile = Files.writeString(dir.resolve("secret.key"), SecretKeys.newKeyLine("rerun-k1"));
    pw = new Installation("rerun", keyFile);
    pw.startWorker(pw.workerConfig("rerun-worker", Map.of("PIPEWRIGHT_WORKER_TICK", "100ms")));
  }

  @AfterAll
  static void stop() throws Exception {
    if (pw != null) {
      pw.close();
    }
    try (var files = Files.walk(dir)) {
      for (Path f : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(f);
      }
    }
  }

  /**
   * {@code prepare} makes a fresh stamp each run; {@code flaky} fails until {@code gate} exists;
   * {@code after} needs both (the {@code needs} context holds direct needs only); {@code docs}
   * needs nothing.
   */
  private static String workflow(Path gate) {
    return """
        on: push
        jobs:
          prepare:
            runs-on: ubuntu-latest
            outputs:
              stamp: ${{ steps.s.outputs.stamp }}
            steps:
              - id: s
                run: |
                  stamp="$(date +%%s%%N)-$$"
                  echo "stamp $stamp"
                  echo "stamp=$stamp" >> "$GITHUB_OUTPUT"
          flaky:
            needs: prepare
            runs-on: ubuntu-latest
            steps:
              - run: |
                  echo "flaky got ${{ needs.prepare.outputs.stamp }} on run ${{ github.run_attempt }}"
                  [ -e '%s' ] || { echo "no gate yet"; exit 1; }
          after:
            needs: [prepare, flaky]
            runs-on: ubuntu-latest
            steps:
              - run: echo "after got ${{ needs.prepare.outputs.stamp }}"
          docs:
            runs-on: ubuntu-latest
            steps:
              - run: echo docs built
        """
        .formatted(gate);
  }

  private static RerunBuildResponse rerun(String id, boolean failedOnly) {
    return pw.stub.rerunBuild(
        RerunBuildRequest.newBuilder().setBuildId(id).setFailedOnly(failedOnly).build());
  }

  private static String stampOf(String log) {
    Matcher m = STAMP.matcher(log);
    assertThat(m.find()).as("a stamp in %s", log).isTrue();
    return m.group(1);
  }

  private static long count(String text, String part) {
    return Pattern.compile(Pattern.quote(part)).matcher(text).results().count();
  }

  @Test
  void rerunningFailedJobsRunsThemAndTheirDependentsWithTheOutputsOfTheJobsKept() throws Exception {
    Path gate = dir.resolve("gate-" + UUID.randomUUID());
    String id = pw.start(workflow(gate));
    Build first = pw.awaitEnd(id, END);
    assertThat(first.getStatus()).isEqualTo(BuildStatus.BUILD_STATUS_FAILED);
    assertThat(first.getRunAttempt()).isEqualTo(1);
    assertThat(Installation.job(first, "after").getStatus())
        .isEqualTo(JobStatus.JOB_STATUS_SKIPPED);
    String stamp = stampOf(pw.logText(id, "prepare"));

    Files.writeString(gate, "open");
    RerunBuildResponse started = rerun(id, true);

    assertThat(started.getJobKeysList()).containsExactly("flaky", "after");
    assertThat(started.getBuild().getRunAttempt()).isEqualTo(2);
    Build second = pw.awaitEnd(id, END);
    assertThat(second.getStatus()).isEqualTo(BuildStatus.BUILD_STATUS_SUCCEEDED);
    assertThat(second.getRunAttempt()).isEqualTo(2);
    // The jobs kept did not run again: one attempt, one stamp, the same outputs.
    assertThat(Installation.job(second, "prepare").getAttempt()).isEqualTo(1);
    assertThat(Installation.job(second, "docs").getAttempt()).isEqualTo(1);
    assertThat(count(pw.logText(id, "prepare"), "stamp ")).isEqualTo(1);
    assertThat(count(pw.logText(id, "docs"), "docs built")).isEqualTo(1);
    // The failed job ran again on its next attempt, after its first run's log, with the kept
    // job's output; its dependent ran for the first time with it too.
    assertThat(Installation.job(second, "flaky").getAttempt()).isEqualTo(2);
    assertThat(Installation.job(second, "flaky").getStepsList())
        .allSatisfy(s -> assertThat(s.getAttempt()).isEqualTo(2));
    String flaky = pw.logText(id, "flaky");
    assertThat(flaky)
        .containsSubsequence(
            "flaky got " + stamp + " on run 1",
            "no gate yet",
            "Attempt 2: a re-run of the build runs the job again from its first step",
            "flaky got " + stamp + " on run 2");
    assertThat(count(flaky, "no gate yet")).isEqualTo(1);
    assertThat(pw.logText(id, "after")).contains("after got " + stamp);
  }

  @Test
  void rerunningAllJobsRunsEveryJobAgainAndMakesNewOutputs() throws Exception {
    Path gate = Files.writeString(dir.resolve("gate-" + UUID.randomUUID()), "open");
    String id = pw.start(workflow(gate));
    assertThat(pw.awaitEnd(id, END).getStatus()).isEqualTo(BuildStatus.BUILD_STATUS_SUCCEEDED);
    String firstStamp = stampOf(pw.logText(id, "prepare"));

    assertThatThrownBy(() -> rerun(id, true))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
              assertThat(e.getStatus().getDescription()).contains("no failed or cancelled jobs");
            });
    RerunBuildResponse started = rerun(id, false);

    assertThat(started.getJobKeysList()).containsExactly("prepare", "flaky", "after", "docs");
    Build second = pw.awaitEnd(id, END);
    assertThat(second.getStatus()).isEqualTo(BuildStatus.BUILD_STATUS_SUCCEEDED);
    assertThat(second.getJobsList()).allSatisfy(j -> assertThat(j.getAttempt()).isEqualTo(2));
    String prepare = pw.logText(id, "prepare");
    assertThat(count(prepare, "stamp ")).isEqualTo(2);
    String secondStamp = stampOf(prepare.substring(prepare.lastIndexOf("Attempt 2")));
    assertThat(secondStamp).isNotEqualTo(firstStamp);
    assertThat(pw.logText(id, "after")).contains("after got " + secondStamp);
  }

  @Test
  void anUnfinishedBuildIsNotRerun() throws Exception {
    Path gate = dir.resolve("gate-" + UUID.randomUUID());
    String id =
        pw.start(
            """
            on: push
            jobs:
              wait:
                runs-on: ubuntu-latest
                steps:
                  - run: while [ ! -e '%s' ]; do sleep 0.1; done
            """
                .formatted(gate));

    assertThatThrownBy(() -> rerun(id, false))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
              assertThat(e.getStatus().getDescription())
                  .contains("only a finished build can be re-run");
            });
    Files.writeString(gate, "open");
    assertThat(pw.awaitEnd(id, END).getStatus()).isEqualTo(BuildStatus.BUILD_STATUS_SUCCEEDED);
  }

  /** Secret values are erased when a build finishes, so a re-run must bring them again. */
  @Test
  void aRerunOfABuildWithSecretsNeedsTheirValuesAgain() throws Exception {
    String id =
        pw.start(
            """
            on: push
            jobs:
              use:
                runs-on: ubuntu-latest
                steps:
                  - run: echo "sha $(printf %s "$T" | sha256sum | cut -c1-12)"
                    env:
                      T: ${{ secrets.TOKEN }}
            """,
            Map.of("TOKEN", Variable.newBuilder().setValue("first-value").setSecret(true).build()));
    assertThat(pw.awaitEnd(id, END).getStatus()).isEqualTo(BuildStatus.BUILD_STATUS_SUCCEEDED);

    assertThatThrownBy(() -> rerun(id, false))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
              assertThat(e.getStatus().getDescription()).contains("[TOKEN]");
            });
    assertThat(pw.get(id).getRunAttempt()).as("a refused re-run changes nothing").isEqualTo(1);

    pw.stub.rerunBuild(
        RerunBuildRequest.newBuilder().setBuildId(id).putSecrets("TOKEN", "second-value").build());

    assertThat(pw.awaitEnd(id, END).getStatus()).isEqualTo(BuildStatus.BUILD_STATUS_SUCCEEDED);
    String log = pw.logText(id, "use");
    assertThat(log).contains("sha " + sha12("first-value"), "sha " + sha12("second-value"));
  }

  private static String sha12(String value) throws Exception {
    return java.util.HexFormat.of()
        .formatHex(
            java.security.MessageDigest.getInstance("SHA-256")
                .digest(value.getBytes(java.nio.charset.StandardCharsets.UTF_8)))
        .substring(0, 12);
  }
}
