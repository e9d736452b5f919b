package dev.pipewright.e2e;

import static dev.pipewright.e2e.Installation.job;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pipewright.api.ci.v1.Build;
import dev.pipewright.api.ci.v1.BuildStatus;
import dev.pipewright.api.ci.v1.Job;
import dev.pipewright.api.ci.v1.JobStatus;
import dev.pipewright.api.ci.v1.LogChunk;
import dev.pipewright.pipeline.worker.PipelineService;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A worker dies in the middle of a build and another one takes the build over once the lease
 * expired: closed with no grace (its processes are killed and nothing is recorded), or a real
 * worker process {@code kill -9}ed mid-step (issue 12's "done when").
 */
class WorkerRestartE2EIT {
  private static final String MARKER =
      "##[warning]Attempt 2: the job runs again from its first step";
  private static final int LINES = 12;

  private Installation pw;
  private WorkerProcess process;

  @BeforeEach
  void start() throws Exception {
    pw = new Installation("restart");
  }

  @AfterEach
  void stop() throws Exception {
    if (process != null) {
      process.close();
    }
    pw.close();
  }

  /** A successor worker takes the build over; it ends SUCCEEDED with every job SUCCEEDED. */
  private Build succeededBySuccessor(String id) {
    pw.startWorker(pw.workerConfig("successor"));
    Build build = pw.awaitEnd(id, Duration.ofSeconds(40));
    assertThat(build.getStatus()).isEqualTo(BuildStatus.BUILD_STATUS_SUCCEEDED);
    assertThat(build.getJobsList())
        .allSatisfy(j -> assertThat(j.getStatus()).isEqualTo(JobStatus.JOB_STATUS_SUCCEEDED));
    return build;
  }

  @Test
  void aBuildWhoseWorkerDiedEndsOnItsSuccessorWithEveryChunkOnce() throws Exception {
    Path runs = pw.workspaces.resolve("runs.log");
    String id =
        pw.start(
            """
            on: push
            jobs:
              first:
                runs-on: ubuntu-latest
                steps:
                  - run: echo "first done"
              slow:
                needs: first
                runs-on: ubuntu-latest
                steps:
                  - run: echo "before the crash"
                  - name: Count
                    run: |
                      echo "start $(date +%%s%%N)" >> %1$s
                      for i in $(seq 1 20); do echo "line $i"; sleep 0.1; done
                      echo "end $(date +%%s%%N)" >> %1$s
              last:
                needs: slow
                runs-on: ubuntu-latest
                steps:
                  - run: echo "last done"
            """
                .formatted(runs));
    PipelineService doomed = pw.startWorker(Installation.abrupt(pw.workerConfig("doomed")));
    await().atMost(Duration.ofSeconds(20)).until(() -> pw.logText(id, "slow").contains("line 3"));
    doomed.close();
    long killedAt = System.currentTimeMillis() * 1_000_000L;
    assertThat(pw.get(id).getStatus()).isEqualTo(BuildStatus.BUILD_STATUS_RUNNING);

    Build build = succeededBySuccessor(id);

    assertThat(pw.logText(id, "last")).contains("last done");

    // Nothing ran twice at once: the successor's run of the step started after the kill, and
    // exactly one run finished.
    List<String> lines = Files.readAllLines(runs);
    List<Long> starts = times(lines, "start ");
    assertThat(starts).hasSizeGreaterThanOrEqualTo(2);
    assertThat(starts.getLast()).isGreaterThan(killedAt);
    assertThat(times(lines, "end ")).hasSize(1);
    // first finished before the crash and is not run again.
    assertThat(pw.logText(id, "first").split("first done", -1)).hasSize(2);

    // No chunk lost or duplicated: each (job, step) stream numbers its chunks 1..n.
    Map<String, List<Long>> sequences = new TreeMap<>();
    for (LogChunk chunk : pw.logs(id)) {
      sequences
          .computeIfAbsent(chunk.getJobKey() + "/" + chunk.getStepNumber(), k -> new ArrayList<>())
          .add(chunk.getSequence());
    }
    sequences.forEach(
        (stream, seqs) ->
            assertThat(seqs)
                .as(stream)
                .containsExactlyElementsOf(
                    java.util.stream.LongStream.rangeClosed(1, seqs.size()).boxed().toList()));
    String slow = pw.logText(id, "slow");
    assertThat(slow).contains("line 20\n");
    assertThat(job(build, "slow").getSteps(1).getExitCode()).isZero();
  }

  /**
   * The process host cannot re-attach to the step, so the successor runs the job again as attempt
   * 2: GetBuildLogs shows what attempt 1 printed, the attempt marker, then every line of attempt 2
   * exactly once, and the job and its steps record attempt 2.
   */
  @Test
  void aWorkerProcessKilledMidStepEndsOnceWithTheMarkerBeforeTheSecondAttempt() throws Exception {
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
                    run: for i in $(seq 1 %d); do echo "line $i"; sleep 0.25; done
              last:
                needs: slow
                runs-on: ubuntu-latest
                steps:
                  - run: echo "last done"
            """
                .formatted(LINES));
    process = new WorkerProcess(pw, "doomed", Installation.FAST_TAKEOVER);
    // A JVM of its own: starting it takes seconds on a busy machine.
    try {
      await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(50))
          .until(() -> process.alive() && pw.logText(id, "slow").contains("line 3\n"));
    } catch (ConditionTimeoutException e) {
      throw new AssertionError(
          "the worker process did not get to line 3:\n" + process.printed(), e);
    }

    assertThat(process.kill()).isEqualTo(128 + 9);
    assertThat(pw.get(id).getStatus()).isEqualTo(BuildStatus.BUILD_STATUS_RUNNING);

    Build build = succeededBySuccessor(id);

    Job slow = job(build, "slow");
    assertThat(slow.getAttempt()).isEqualTo(2);
    assertThat(slow.getStepsList()).allSatisfy(s -> assertThat(s.getAttempt()).isEqualTo(2));
    assertThat(slow.getSteps(1).getExitCode()).isZero();
    assertThat(job(build, "last").getAttempt()).isEqualTo(1);
    assertThat(pw.logText(id, "last")).containsOnlyOnce("last done");
    String log = pw.logText(id, "slow");
    assertThat(log).containsOnlyOnce(MARKER);
    String before = log.substring(0, log.indexOf(MARKER));
    String after = log.substring(log.indexOf(MARKER));
    assertThat(before).contains("before the kill", "line 3\n").doesNotContain("line " + LINES);
    assertThat(after).containsOnlyOnce("before the kill");
    for (int i = 1; i <= LINES; i++) {
      assertThat(after).as("line " + i).containsOnlyOnce("line " + i + "\n");
    }
  }

  private static List<Long> times(List<String> lines, String prefix) {
    return lines.stream()
        .filter(l -> l.startsWith(prefix))
        .map(l -> Long.parseLong(l.substring(prefix.length()).strip()))
        .collect(Collectors.toList());
  }
}
