package dev.pipewright.e2e;

import static dev.pipewright.e2e.Installation.job;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pipewright.api.ci.v1.Build;
import dev.pipewright.api.ci.v1.BuildStatus;
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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A worker dies in the middle of a build (closed with no grace: its processes are killed and
 * nothing is recorded) and another one takes the build over once the lease expired.
 */
class WorkerRestartE2EIT {
  private Installation pw;

  @BeforeEach
  void start() throws Exception {
    pw = new Installation("restart");
  }

  @AfterEach
  void stop() throws Exception {
    pw.close();
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

    pw.startWorker(pw.workerConfig("successor"));
    Build build = pw.awaitEnd(id, Duration.ofSeconds(40));

    assertThat(build.getStatus()).isEqualTo(BuildStatus.BUILD_STATUS_SUCCEEDED);
    assertThat(build.getJobsList())
        .allSatisfy(j -> assertThat(j.getStatus()).isEqualTo(JobStatus.JOB_STATUS_SUCCEEDED));
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

  private static List<Long> times(List<String> lines, String prefix) {
    return lines.stream()
        .filter(l -> l.startsWith(prefix))
        .map(l -> Long.parseLong(l.substring(prefix.length()).strip()))
        .collect(Collectors.toList());
  }
}
