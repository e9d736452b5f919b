package dev.pipewright.executor.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pipewright.executor.InMemoryLogSink;
import dev.pipewright.executor.JobRef;
import dev.pipewright.executor.JobResult;
import dev.pipewright.executor.JobRun;
import dev.pipewright.executor.LogChunk;
import dev.pipewright.executor.LogLimits;
import dev.pipewright.executor.LogLines;
import dev.pipewright.executor.LogSink;
import dev.pipewright.executor.RunObserver;
import dev.pipewright.executor.StepResult;
import dev.pipewright.models.CiException;
import dev.pipewright.models.ErrorCode;
import dev.pipewright.models.JobStatus;
import dev.pipewright.models.StepStatus;
import dev.pipewright.parser.WorkflowParser;
import dev.pipewright.parser.spec.WorkflowSpec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A step's log through real processes: caps, long lines, and a log store that refuses. */
class StepLogBoundsTest {
  @TempDir Path root;
  private final InMemoryLogSink memory = new InMemoryLogSink();

  /** The in-memory store with other caps, or refusing the chunks of one step. */
  private final class TestSink implements LogSink {
    private final LogLimits limits;
    private final int refusedStep;

    TestSink(LogLimits limits, int refusedStep) {
      this.limits = limits;
      this.refusedStep = refusedStep;
    }

    @Override
    public void append(LogChunk chunk) {
      if (chunk.stepNumber() == refusedStep) {
        throw new CiException(ErrorCode.PERMANENT, "database: value too long");
      }
      memory.append(chunk);
    }

    @Override
    public LogLimits limits() {
      return limits;
    }
  }

  private record Ran(JobRef job, JobResult result, Map<Integer, StepResult> steps) {}

  private Ran run(LogSink sink, String steps) {
    String yaml = "on: push\njobs:\n  test:\n    runs-on: local\n    steps:\n" + steps;
    WorkflowSpec wf = new WorkflowParser().parse(yaml, "ci.yml");
    JobRun run = JobRun.builder(new JobRef("b1", "test"), wf, wf.job("test")).build();
    Map<Integer, StepResult> results = new ConcurrentHashMap<>();
    AtomicReference<JobResult> result = new AtomicReference<>();
    try (LocalJobRunner runner = new LocalJobRunner(LocalRunnerConfig.defaults(root), sink)) {
      runner.start(
          run,
          new RunObserver() {
            @Override
            public void stepFinished(JobRef job, int stepNumber, StepResult r) {
              results.put(stepNumber, r);
            }

            @Override
            public void jobFinished(JobRef job, JobResult r) {
              result.set(r);
            }
          });
      await().atMost(Duration.ofSeconds(60)).until(() -> result.get() != null);
    }
    return new Ran(run.ref(), result.get(), results);
  }

  @Test
  void aCappedStepKeepsRunningWithItsTrueExitCodeAndTheLogSaysWhereItWasCut() {
    Ran ran =
        run(
            new TestSink(new LogLimits(2000, LogLimits.DEFAULT.buildBytes()), 0),
            """
                  - run: |
                      for i in $(seq 1 20000); do echo "line $i"; done
                      echo "end=reached" >> "$GITHUB_OUTPUT"
                      exit 3
            """);

    StepResult step = ran.steps().get(1);
    assertThat(step.status()).isEqualTo(StepStatus.FAILED);
    assertThat(step.exitCode()).isEqualTo(3);
    assertThat(step.outputs()).as("the step ran to its end").containsEntry("end", "reached");
    String log = memory.text(ran.job(), 1);
    assertThat(log)
        .startsWith("line 1\nline 2\n")
        .contains(
            "line 234\n##[warning]This step's log reached its limit of 2000 bytes: the step goes"
                + " on running, its further output is not stored.\n")
        .doesNotContain("line 20000")
        .endsWith(
            "##[error]Process completed with exit code 3.\n"
                + "##[warning]19,766 lines (206,896 bytes) of this step's output were not"
                + " stored.\n");
  }

  @Test
  void aLineLongerThanOneMebibyteIsSplitIntoMarkedPieces() {
    // 1.5 million 2-byte characters: the runner's reader cuts at 1 Mi chars, the log at 1 MiB.
    Ran ran =
        run(
            memory,
            """
                  - run: |
                      head -c 1500000 /dev/zero | tr '\\0' x | sed 's/x/é/g'
                      echo
                      echo after
            """);

    assertThat(ran.result().status()).isEqualTo(JobStatus.SUCCEEDED);
    List<String> lines = memory.text(ran.job(), 1).lines().toList();
    assertThat(lines.getLast()).isEqualTo("after");
    List<String> pieces = lines.subList(0, lines.size() - 1);
    assertThat(pieces).hasSizeGreaterThan(2);
    StringBuilder rejoined = new StringBuilder(pieces.getFirst());
    for (String piece : pieces.subList(1, pieces.size())) {
      assertThat(piece).startsWith(LogLines.CONTINUATION);
      rejoined.append(piece.substring(LogLines.CONTINUATION.length()));
    }
    assertThat(pieces)
        .allSatisfy(
            p ->
                assertThat(p.getBytes(StandardCharsets.UTF_8).length)
                    .isLessThanOrEqualTo(LogLines.MAX_LINE_BYTES));
    assertThat(rejoined.toString()).isEqualTo("é".repeat(1_500_000));
  }

  @Test
  void aLogTheStoreKeepsRefusingFailsTheStepWithATypedErrorAndItsExitCode() {
    Ran ran =
        run(
            new TestSink(LogLimits.DEFAULT, 2),
            """
                  - run: echo stored
                  - run: echo refused
            """);

    assertThat(memory.text(ran.job(), 1)).isEqualTo("stored\n");
    StepResult step = ran.steps().get(2);
    assertThat(step.status()).isEqualTo(StepStatus.FAILED);
    assertThat(step.exitCode()).isZero();
    assertThat(step.errorCode()).isEqualTo(ErrorCode.PERMANENT);
    assertThat(step.errorMessage())
        .isEqualTo("The log of step 2 could not be stored (1 attempt): database: value too long");
    assertThat(ran.result().status()).isEqualTo(JobStatus.FAILED);
    assertThat(ran.result().errorCode()).isEqualTo(ErrorCode.PERMANENT);
  }
}
