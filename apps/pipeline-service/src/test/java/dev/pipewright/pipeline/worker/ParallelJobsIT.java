package dev.pipewright.pipeline.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pipewright.executor.GitRepos;
import dev.pipewright.models.BuildStatus;
import dev.pipewright.models.ErrorCode;
import dev.pipewright.models.JobStatus;
import dev.pipewright.models.StepStatus;
import dev.pipewright.store.BuildView;
import dev.pipewright.store.JobView;
import dev.pipewright.store.LogEntry;
import dev.pipewright.store.NewBuild;
import dev.pipewright.store.StepView;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Jobs of one build running side by side on a worker with the process host, on the machine's
 * PostgreSQL and RabbitMQ: the workflow shapes issue 12 names (a matrix that fails fast, parallel
 * jobs each checking out).
 */
class ParallelJobsIT {
  private static final Duration DEADLINE = Duration.ofSeconds(60);

  private WorkerHarness harness;

  @BeforeEach
  void setUp() throws Exception {
    harness = new WorkerHarness();
    harness.start(harness.config("worker-a"));
  }

  @AfterEach
  void tearDown() throws Exception {
    harness.close();
  }

  private BuildView awaitFinished(UUID id) {
    await()
        .atMost(DEADLINE)
        .pollInterval(Duration.ofMillis(100))
        .until(() -> harness.build(id).status().terminal());
    return harness.build(id);
  }

  private static JobView job(BuildView build, String key) {
    return build.jobs().stream().filter(j -> j.key().equals(key)).findFirst().orElseThrow();
  }

  private String stepLog(UUID id, String jobKey, int step) {
    return harness.logs.read(id, jobKey, step, 0, 10_000).stream()
        .map(LogEntry::content)
        .collect(Collectors.joining());
  }

  /**
   * GitHub's fail-fast ("jobs.<job_id>.strategy.fail-fast": a failed matrix job cancels all
   * in-progress and queued jobs in the matrix) delivers a job cancellation to each sibling, which
   * its runner handles as StepsRunner.cs does any cancel: the running step is cancelled, {@code if:
   * cancelled()} and {@code always()} steps run and are recorded with their own result, and the
   * sibling's conclusion is cancelled; the run's conclusion is failure. Instance 2 fails only once
   * its siblings are inside their long step, so they are certainly running when it fails.
   */
  @Test
  void aFailedMatrixInstanceCancelsItsRunningSiblingsWhoseCancelledStepsStillRun(
      @TempDir Path sync) {
    UUID id =
        harness.createBuild(
            """
            on: push
            env:
              SYNC: %s
            jobs:
              test:
                runs-on: local
                strategy:
                  matrix:
                    n: [1, 2, 3]
                steps:
                  - run: |
                      if [ "${{ matrix.n }}" = 2 ]; then
                        until [ -e "$SYNC/ready-1" ] && [ -e "$SYNC/ready-3" ]; do sleep 0.1; done
                        echo "instance 2 fails"
                        exit 1
                      fi
                      touch "$SYNC/ready-${{ matrix.n }}"
                      echo "instance ${{ matrix.n }} sleeping"
                      sleep 60
                  - if: cancelled()
                    run: echo "cleanup of ${{ matrix.n }} after cancel, job ${{ job.status }}"
                  - if: always()
                    run: echo "always ${{ matrix.n }}"
            """
                .formatted(sync));

    BuildView build = awaitFinished(id);

    assertThat(build.status()).isEqualTo(BuildStatus.FAILED);
    JobView failed = job(build, "test.2");
    assertThat(failed.status()).isEqualTo(JobStatus.FAILED);
    assertThat(failed.steps())
        .extracting(StepView::status)
        .containsExactly(StepStatus.FAILED, StepStatus.SKIPPED, StepStatus.SUCCEEDED);
    for (String sibling : List.of("test.1", "test.3")) {
      JobView j = job(build, sibling);
      String n = sibling.substring(sibling.length() - 1);
      assertThat(j.status()).as(sibling).isEqualTo(JobStatus.CANCELLED);
      assertThat(j.errorCode()).as(sibling).isEqualTo(ErrorCode.CANCELLED);
      List<StepView> steps = j.steps();
      assertThat(steps.get(0).status()).as(sibling + " step 1").isEqualTo(StepStatus.CANCELLED);
      for (StepView ran : steps.subList(1, 3)) {
        String what = sibling + " step " + ran.number();
        assertThat(ran.status()).as(what).isEqualTo(StepStatus.SUCCEEDED);
        assertThat(ran.exitCode()).as(what).isZero();
        assertThat(ran.conclusion()).as(what).isEqualTo("success");
        assertThat(ran.startedAt()).as(what).isNotNull();
        assertThat(ran.finishedAt()).as(what).isNotNull();
      }
      assertThat(stepLog(id, sibling, 1)).contains("instance " + n + " sleeping");
      assertThat(stepLog(id, sibling, 2))
          .contains("cleanup of " + n + " after cancel, job cancelled");
      assertThat(stepLog(id, sibling, 3)).contains("always " + n);
    }
  }

  /**
   * Issue 12: three parallel jobs each starting with actions/checkout failed in one shared
   * workspace ("remote origin already exists"); each job instance now has its own.
   */
  @Test
  void threeParallelJobsEachCheckOutIntoTheirOwnWorkspace(@TempDir Path origin) throws Exception {
    String sha = GitRepos.repository(origin, "parallel\n");
    StringBuilder yaml = new StringBuilder("on: push\njobs:\n");
    for (String job : List.of("one", "two", "three")) {
      yaml.append(
          """
            %s:
              runs-on: local
              steps:
                - uses: actions/checkout@v4
                - run: |
                    echo "$(git rev-parse HEAD) $(cat README.md)"
                    echo "workspace $GITHUB_WORKSPACE"
                    echo "temp $RUNNER_TEMP"
                    echo "tools $RUNNER_TOOL_CACHE"
                    echo "mine-%s" > owner.txt
                - run: cat owner.txt
          """
              .formatted(job, job));
    }
    UUID id =
        harness.createBuild(
            new NewBuild(
                "it",
                yaml.toString(),
                null,
                origin.toString(),
                "refs/heads/main",
                sha,
                Map.of(),
                null));

    BuildView build = awaitFinished(id);

    assertThat(build.status()).as(harness.logText(id)).isEqualTo(BuildStatus.SUCCEEDED);
    List<String> dirs = new ArrayList<>();
    for (String job : List.of("one", "two", "three")) {
      String log = stepLog(id, job, 2);
      assertThat(log).contains(sha + " parallel");
      assertThat(stepLog(id, job, 3)).contains("mine-" + job);
      log.lines()
          .filter(l -> l.matches("(workspace|temp|tools) .*"))
          .map(l -> l.substring(l.indexOf(' ') + 1))
          .forEach(dirs::add);
    }
    // A workspace, RUNNER_TEMP and RUNNER_TOOL_CACHE per job, none shared.
    assertThat(dirs).hasSize(9).doesNotHaveDuplicates();
  }
}
