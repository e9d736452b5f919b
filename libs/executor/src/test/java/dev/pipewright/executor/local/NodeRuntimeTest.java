package dev.pipewright.executor.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pipewright.executor.InMemoryLogSink;
import dev.pipewright.executor.JobRef;
import dev.pipewright.executor.JobRun;
import dev.pipewright.executor.StepResult;
import dev.pipewright.executor.host.ExecutorNode;
import dev.pipewright.executor.parity.ParitySuite;
import dev.pipewright.fixtures.actions.ActionFixtures;
import dev.pipewright.models.ErrorCode;
import dev.pipewright.models.StepStatus;
import dev.pipewright.parser.WorkflowParser;
import dev.pipewright.parser.spec.WorkflowSpec;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Node.js of the process host is the executor's ({@code worker.node-path}, else the node on the
 * worker's PATH); one that cannot run fails the action's steps with an error naming the job, the
 * step and the setting, not the job's set-up.
 */
class NodeRuntimeTest {
  @TempDir Path root;

  @Test
  void aConfiguredNodeThatIsNotThereFailsTheStepNamingJobStepAndSetting() {
    Path missing = root.resolve("no-such/node");
    InMemoryLogSink sink = new InMemoryLogSink();
    try (LocalJobRunner runner =
        new LocalJobRunner(
            LocalRunnerConfig.defaults(root).withNode(new ExecutorNode(missing)), sink)) {
      ActionFixtures.copy("lifecycle", root.resolve("b1/test/lifecycle"));
      String yaml =
          """
          on: push
          jobs:
            test:
              steps:
                - {name: greet, uses: ./lifecycle}
                - run: echo after
              runs-on: ubuntu-latest
          """;
      WorkflowSpec wf = new WorkflowParser().parse(yaml, "ci.yml");
      JobRun run = JobRun.builder(new JobRef("b1", "test"), wf, wf.job("test")).build();
      ParitySuite.Recorder rec = new ParitySuite.Recorder();
      runner.start(run, rec);
      await().atMost(Duration.ofSeconds(60)).until(() -> rec.result != null);
      StepResult step = rec.steps.get(1);
      assertThat(step.status()).as(sink.jobText(run.ref())).isEqualTo(StepStatus.FAILED);
      assertThat(step.errorCode()).isEqualTo(ErrorCode.PERMANENT);
      assertThat(step.errorMessage())
          .isEqualTo(
              "job test, step greet: worker.node-path is "
                  + missing
                  + ", which is not an executable file");
      assertThat(sink.text(run.ref(), 1))
          .contains("##[error]job test, step greet: worker.node-path");
      // The post step registered by the main step runs, and fails the same way.
      assertThat(rec.addedNames).containsEntry(3, "Post greet");
      assertThat(rec.steps.get(3).status()).isEqualTo(StepStatus.FAILED);
      assertThat(rec.steps.get(2).status()).isEqualTo(StepStatus.SKIPPED);
    }
  }
}
