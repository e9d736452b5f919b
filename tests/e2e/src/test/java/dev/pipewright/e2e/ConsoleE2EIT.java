package dev.pipewright.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.pipewright.api.ci.v1.Build;
import dev.pipewright.api.ci.v1.BuildStatus;
import dev.pipewright.api.ci.v1.JobStatus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The web console end to end in headless Chromium (Debian's {@code chromium}, driven by
 * playwright-core from {@code console/console-e2e.mjs}): the entry API and a worker on the
 * machine's PostgreSQL and RabbitMQ, a build submitted over gRPC, then in the browser: sign in with
 * a token, the build in the list, its DAG (needs edges, a matrix grouped, statuses changing live),
 * the job's log arriving live with ANSI colours, a folded {@code ::group::}, search and a line
 * link, the cancel button, the runner's error line and a step's annotation. Screenshots land in
 * {@code target/console-e2e/}. Skipped, saying so, where Chromium is not installed; {@code .ci/run}
 * installs it, so there it always runs.
 */
class ConsoleE2EIT {
  static final Path CHROMIUM =
      Path.of(System.getenv().getOrDefault("PIPEWRIGHT_CHROMIUM", "/usr/bin/chromium"));
  static final Path DRIVER = Path.of("console").toAbsolutePath();
  static final Path SCREENSHOTS = Path.of("target", "console-e2e").toAbsolutePath();

  /** Bounds a hung browser; the script's own waits fail long before. */
  static final long DRIVER_GUARD_MINUTES = 5;

  // The matrix job runs long enough to be watched and cancelled; setup finishes at once.
  static final String WORKFLOW =
      """
      on: push
      jobs:
        setup:
          runs-on: ubuntu-latest
          steps:
            - run: |
                echo "setup done"
                echo "::warning file=app.c,line=3::look here"
        test:
          needs: setup
          runs-on: ubuntu-latest
          strategy:
            matrix:
              n: [1, 2]
          steps:
            - name: Slow test
              run: |
                echo "::group::Preparing"
                echo "inside the group"
                echo "::endgroup::"
                printf '\\033[32mgreen line\\033[0m\\n'
                i=0
                while [ $i -lt 3000 ]; do echo "tick $i"; i=$((i+1)); sleep 0.1; done
        deploy:
          needs: test
          runs-on: ubuntu-latest
          steps:
            - run: echo never
      """;

  private static Installation pw;

  @BeforeAll
  static void start() throws Exception {
    if (System.getenv("PIPEWRIGHT_REQUIRE_CHROMIUM") != null) {
      assertThat(CHROMIUM).as("PIPEWRIGHT_REQUIRE_CHROMIUM is set (.ci/run)").isExecutable();
    }
    assumeTrue(
        Files.isExecutable(CHROMIUM),
        "Chromium is not installed at "
            + CHROMIUM
            + " (apt-get install chromium, or set PIPEWRIGHT_CHROMIUM): the console's browser test"
            + " is skipped");
    assumeTrue(
        Files.isDirectory(DRIVER.resolve("node_modules/playwright-core")),
        "playwright-core is not installed in " + DRIVER + " (the build's npm ci did not run)");
    pw = new Installation("console");
    // Default leases: the fast take-over settings would let a loaded machine's slow pass lose
    // the build to the reaper, which nothing here tests.
    pw.startWorker(pw.workerConfig("console-worker", Map.of()));
  }

  @AfterAll
  static void stop() throws Exception {
    if (pw != null) {
      pw.close();
    }
  }

  @Test
  void aBuildIsFollowedLiveAndCancelledInTheBrowser() throws Exception {
    String id = pw.start(WORKFLOW);
    Files.createDirectories(SCREENSHOTS);

    ProcessBuilder node =
        new ProcessBuilder("node", DRIVER.resolve("console-e2e.mjs").toString())
            .directory(DRIVER.toFile())
            .redirectErrorStream(true)
            .redirectOutput(SCREENSHOTS.resolve("driver.log").toFile());
    node.environment()
        .putAll(
            Map.of(
                "CONSOLE_URL",
                "http://127.0.0.1:" + pw.httpPort(),
                "TOKEN",
                pw.token,
                "BUILD_ID",
                id,
                "SCREENSHOTS",
                SCREENSHOTS.toString(),
                "CHROMIUM",
                CHROMIUM.toString()));
    Process driver = node.start();
    int exit = run(driver);
    String output = Files.readString(SCREENSHOTS.resolve("driver.log"));

    assertThat(exit).as(output).isZero();
    assertThat(output).contains("console-e2e: passed");
    Build build = pw.awaitEnd(id, Duration.ofSeconds(60));
    assertThat(build.getStatus()).isEqualTo(BuildStatus.BUILD_STATUS_CANCELLED);
    assertThat(Installation.job(build, "setup").getStatus())
        .isEqualTo(JobStatus.JOB_STATUS_SUCCEEDED);
    assertThat(pw.logText(id, "test.1"))
        .contains("green line", "tick 3", "Attempt 2: a re-run of the build runs the job again");
    // The re-run from the console ran the cancelled jobs again and kept the one that succeeded.
    assertThat(build.getRunAttempt()).isEqualTo(2);
    assertThat(Installation.job(build, "setup").getAttempt()).isEqualTo(1);
    assertThat(Installation.job(build, "test.1").getAttempt()).isEqualTo(2);
    for (String shot :
        List.of(
            "1-builds.png",
            "2-dag.png",
            "3-job-log.png",
            "4-cancelled.png",
            "5-annotations.png",
            "6-rerun.png")) {
      assertThat(SCREENSHOTS.resolve(shot)).isNotEmptyFile();
    }
  }

  private static int run(Process driver) throws IOException, InterruptedException {
    if (!driver.waitFor(DRIVER_GUARD_MINUTES, TimeUnit.MINUTES)) {
      driver.destroyForcibly();
      throw new AssertionError("the browser driver did not finish");
    }
    return driver.exitValue();
  }
}
