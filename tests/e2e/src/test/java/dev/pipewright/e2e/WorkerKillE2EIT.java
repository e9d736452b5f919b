package dev.pipewright.e2e;

import static dev.pipewright.e2e.Installation.job;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pipewright.api.ci.v1.Build;
import dev.pipewright.api.ci.v1.BuildStatus;
import dev.pipewright.api.ci.v1.Job;
import dev.pipewright.api.ci.v1.JobStatus;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 12's "done when": a real worker process is {@code kill -9}ed in the middle of a step and a
 * successor finishes the build. The process host cannot re-attach to the step, so the successor
 * runs the job again as attempt 2: GetBuildLogs shows the attempt marker, then every line of the
 * second attempt exactly once, and the step records attempt 2.
 */
class WorkerKillE2EIT {
  private static final String MARKER =
      "##[warning]Attempt 2: the job runs again from its first step";
  private static final int LINES = 12;

  private Installation pw;
  private Process worker;

  @BeforeEach
  void start() throws Exception {
    pw = new Installation("kill");
  }

  @AfterEach
  void stop() throws Exception {
    if (worker != null) {
      worker.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
    pw.close();
  }

  @Test
  void aWorkerKilledMidStepIsSucceededOnceWithTheMarkerBeforeTheSecondAttempt() throws Exception {
    String id =
        pw.start(
            """
            on: push
            jobs:
              slow:
                runs-on: ubuntu-latest
                steps:
                  - run: echo "before the kill"
                  - name: Count
                    run: for i in $(seq 1 %d); do echo "line $i"; sleep 0.1; done
              last:
                needs: slow
                runs-on: ubuntu-latest
                steps:
                  - run: echo "last done"
            """
                .formatted(LINES));
    worker = pw.startWorkerProcess("doomed");
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(50))
        .until(() -> pw.logText(id, "slow").contains("line 3\n"));

    Process kill = new ProcessBuilder("kill", "-9", Long.toString(worker.pid())).start();
    assertThat(kill.waitFor()).isZero();
    assertThat(worker.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(worker.exitValue()).isEqualTo(128 + 9);
    assertThat(pw.get(id).getStatus()).isEqualTo(BuildStatus.BUILD_STATUS_RUNNING);

    pw.startWorker(pw.workerConfig("successor"));
    Build build = pw.awaitEnd(id, Duration.ofSeconds(40));

    assertThat(build.getStatus()).isEqualTo(BuildStatus.BUILD_STATUS_SUCCEEDED);
    assertThat(build.getJobsList())
        .allSatisfy(j -> assertThat(j.getStatus()).isEqualTo(JobStatus.JOB_STATUS_SUCCEEDED));
    Job slow = job(build, "slow");
    assertThat(slow.getAttempt()).isEqualTo(2);
    assertThat(slow.getStepsList()).allSatisfy(s -> assertThat(s.getAttempt()).isEqualTo(2));
    assertThat(slow.getSteps(1).getExitCode()).isZero();
    assertThat(job(build, "last").getAttempt()).isEqualTo(1);
    assertThat(occurrences(pw.logText(id, "last"), "last done")).isEqualTo(1);

    String log = pw.logText(id, "slow");
    assertThat(occurrences(log, MARKER)).as(log).isEqualTo(1);
    String before = log.substring(0, log.indexOf(MARKER));
    String after = log.substring(log.indexOf(MARKER));
    assertThat(before).contains("before the kill", "line 3\n").doesNotContain("line " + LINES);
    assertThat(occurrences(after, "before the kill")).isEqualTo(1);
    for (int i = 1; i <= LINES; i++) {
      assertThat(occurrences(after, "line " + i + "\n")).as("line " + i).isEqualTo(1);
    }
  }

  private static int occurrences(String text, String needle) {
    Matcher m = Pattern.compile(Pattern.quote(needle)).matcher(text);
    int n = 0;
    while (m.find()) {
      n++;
    }
    return n;
  }
}
