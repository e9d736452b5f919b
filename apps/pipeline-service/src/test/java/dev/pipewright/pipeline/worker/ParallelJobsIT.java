package dev.pipewright.pipeline.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pipewright.executor.TestGit;
import dev.pipewright.models.BuildStatus;
import dev.pipewright.store.BuildView;
import dev.pipewright.store.LogEntry;
import dev.pipewright.store.NewBuild;
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
 * PostgreSQL and RabbitMQ.
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

  private String stepLog(UUID id, String jobKey, int step) {
    return harness.logs.read(id, jobKey, step, 0, 10_000).stream()
        .map(LogEntry::content)
        .collect(Collectors.joining());
  }

  /**
   * Issue 12: three parallel jobs each starting with actions/checkout failed in one shared
   * workspace ("remote origin already exists"); each job instance now has its own.
   */
  @Test
  void threeParallelJobsEachCheckOutIntoTheirOwnWorkspace(@TempDir Path origin) throws Exception {
    String sha = TestGit.repository(origin, "parallel\n");
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
