package dev.pipewright.pipeline.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pipewright.executor.LogBudget;
import dev.pipewright.executor.LogChunk;
import dev.pipewright.executor.LogLimits;
import dev.pipewright.executor.LogLines;
import dev.pipewright.executor.LogSink;
import dev.pipewright.executor.local.LocalJobRunner;
import dev.pipewright.executor.local.LocalRunnerConfig;
import dev.pipewright.models.BuildStatus;
import dev.pipewright.models.ErrorCode;
import dev.pipewright.models.StepStatus;
import dev.pipewright.store.BuildView;
import dev.pipewright.store.LogEntry;
import dev.pipewright.store.StepView;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Steps' output through the real local runner into the real PostgreSQL store: nothing refused,
 * nothing dropped silently, caps visible.
 */
class StepLogsIT {
  private WorkerHarness harness;

  @BeforeEach
  void setUp() throws Exception {
    harness = new WorkerHarness();
  }

  @AfterEach
  void tearDown() throws Exception {
    harness.close();
  }

  private BuildView runToEnd(String steps) {
    UUID id =
        harness.createBuild(
            "on: push\njobs:\n  test:\n    runs-on: local\n    steps:\n" + steps.stripTrailing());
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> harness.build(id).status().terminal());
    return harness.build(id);
  }

  private String stepLog(BuildView build, int step) {
    return harness.logs.read(build.id(), "test", step, 0, 10_000).stream()
        .map(LogEntry::content)
        .collect(Collectors.joining());
  }

  private static StepView step(BuildView build, int number) {
    return build.jobs().getFirst().steps().get(number - 1);
  }

  @Test
  void nulInvalidUtf8AndLongLinesKeepTheWholeLog() {
    harness.start(harness.config("worker-a"));

    BuildView build =
        runToEnd(
            """
                  - run: |
                      echo before
                      printf 'a\\0b\\n'
                      printf 'bad \\xff\\xfe bytes\\n'
                      echo after
                      exit 1
                  - if: always()
                    run: head -c 2500000 /dev/zero | tr '\\0' y; echo; echo done
            """);

    assertThat(build.status()).isEqualTo(BuildStatus.FAILED);
    // One NUL used to make PostgreSQL refuse the chunk and the log came back empty.
    assertThat(stepLog(build, 1))
        .isEqualTo(
            "before\na\u2400b\nbad \uFFFD\uFFFD bytes\nafter\n"
                + "##[error]Process completed with exit code 1.\n");
    List<String> lines = stepLog(build, 2).lines().toList();
    assertThat(lines).hasSize(4).endsWith("done");
    assertThat(lines.subList(0, 3))
        .allSatisfy(
            l ->
                assertThat(l.getBytes(StandardCharsets.UTF_8).length)
                    .isLessThanOrEqualTo(LogLines.MAX_LINE_BYTES));
    assertThat(lines.get(1)).startsWith(LogLines.CONTINUATION + "yyy");
    assertThat(String.join("", lines.subList(0, 3)).replace(LogLines.CONTINUATION, ""))
        .isEqualTo("y".repeat(2_500_000));
  }

  @Test
  void configuredCapsCutTheLogsWithAMarkerAndKeepTheTrueExitCode() {
    harness.start(
        harness.config("worker-a").toBuilder().logLimits(new LogLimits(4096, 6000)).build());

    BuildView build =
        runToEnd(
            """
                  - run: seq 1 2000
                  - run: seq 1 1000; exit 7
            """);

    StepView first = step(build, 1);
    assertThat(first.status()).isEqualTo(StepStatus.SUCCEEDED);
    assertThat(stepLog(build, 1))
        .startsWith("1\n2\n3\n")
        .endsWith(
            "\n1040\n##[warning]This step's log reached its limit of 4096 bytes: the step goes on"
                + " running, its further output is not stored.\n"
                + "##[warning]960 lines (4,800 bytes) of this step's output were not stored.\n");
    StepView second = step(build, 2);
    assertThat(second.status()).isEqualTo(StepStatus.FAILED);
    assertThat(second.exitCode()).isEqualTo(7);
    assertThat(stepLog(build, 2))
        .startsWith("1\n2\n3\n")
        .endsWith(
            "\n503\n##[warning]This build's log reached its limit of 6000 bytes: the step goes on"
                + " running, its further output is not stored.\n"
                + "##[error]Process completed with exit code 7.\n"
                + "##[warning]497 lines (1,989 bytes) of this step's output were not stored.\n");
  }

  @Test
  void aLogTheDatabaseKeepsRefusingFailsTheStepWithATypedError() {
    // Step 2's chunks get a job key longer than build_logs.job_key (varchar(300)): PostgreSQL
    // itself refuses them, every time.
    harness.start(
        PipelineService.builder(harness.config("worker-a"))
            .runners(
                sink ->
                    new LocalJobRunner(
                        LocalRunnerConfig.defaults(harness.workspaces), refusingStep(2, sink)))
            .build());

    BuildView build =
        runToEnd(
            """
                  - run: echo stored
                  - run: echo refused
            """);

    assertThat(build.status()).isEqualTo(BuildStatus.FAILED);
    assertThat(stepLog(build, 1)).isEqualTo("stored\n");
    StepView refused = step(build, 2);
    assertThat(refused.status()).isEqualTo(StepStatus.FAILED);
    assertThat(refused.exitCode()).isZero();
    assertThat(refused.errorCode()).isEqualTo(ErrorCode.PERMANENT);
    assertThat(refused.errorMessage())
        .startsWith("The log of step 2 could not be stored (1 attempt): database:")
        .contains("value too long");
  }

  private static LogSink refusingStep(int step, LogSink store) {
    return new LogSink() {
      @Override
      public void append(LogChunk chunk) {
        appendAll(List.of(chunk));
      }

      @Override
      public void appendAll(List<LogChunk> chunks) {
        store.appendAll(
            chunks.stream()
                .map(
                    c ->
                        c.stepNumber() != step
                            ? c
                            : new LogChunk(
                                c.buildId(), "x".repeat(301), step, c.seq(), c.content()))
                .toList());
      }

      @Override
      public LogLimits limits() {
        return store.limits();
      }

      @Override
      public LogBudget budget(String buildId) {
        return store.budget(buildId);
      }
    };
  }
}
