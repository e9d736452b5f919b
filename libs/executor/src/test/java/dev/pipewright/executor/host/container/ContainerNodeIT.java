package dev.pipewright.executor.host.container;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pipewright.executor.InMemoryLogSink;
import dev.pipewright.executor.JobRef;
import dev.pipewright.executor.JobRun;
import dev.pipewright.executor.local.LocalJobRunner;
import dev.pipewright.executor.local.LocalRunnerConfig;
import dev.pipewright.executor.parity.ParitySuite;
import dev.pipewright.fixtures.actions.ActionFixtures;
import dev.pipewright.models.JobStatus;
import dev.pipewright.parser.WorkflowParser;
import dev.pipewright.parser.spec.WorkflowSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which Node.js runs a JavaScript action in a job's container: the image's own {@code node} when it
 * has one, else the executor's mounted at {@code /__e/node} (GitHub mounts its externals at {@code
 * /__e}), which runs even in an image without a C library. The step log says which. The action is
 * tests/action-fixtures' lifecycle, on the real toolkit, as a local action.
 */
class ContainerNodeIT {
  /** Each test's build: its containers are the test's alone. */
  private final String build = "n" + UUID.randomUUID().toString().substring(0, 8);

  @TempDir Path root;
  private final InMemoryLogSink sink = new InMemoryLogSink();
  private LocalJobRunner runner;

  @BeforeEach
  void setUp() {
    PodmanFixture.withNodeImage();
    runner = new LocalJobRunner(LocalRunnerConfig.defaults(root), sink);
  }

  @AfterEach
  void tearDown() {
    runner.close();
  }

  @Test
  void anImageWithNodeRunsTheActionOnItsOwn() {
    Ran ran = run(PodmanFixture.NODE_IMAGE);
    assertThat(ran.rec.result.status()).as(ran.log()).isEqualTo(JobStatus.SUCCEEDED);
    assertThat(sink.text(ran.run.ref(), 1))
        .containsPattern("Node\\.js /bin/node \\(the job image's, v\\d+\\.\\d+\\.\\d+\\) runs")
        .contains("INPUT_WHO-TO-GREET=image");
    assertThat(ran.rec.addedNames).containsEntry(2, "Post lifecycle");
    assertThat(sink.text(ran.run.ref(), 2)).contains("post sees main: main greeted image");
  }

  @Test
  void anImageWithoutNodeNorACLibraryRunsTheExecutorsMountedOne() {
    Ran ran = run(PodmanFixture.IMAGE);
    assertThat(ran.rec.result.status()).as(ran.log()).isEqualTo(JobStatus.SUCCEEDED);
    assertThat(sink.text(ran.run.ref(), 1))
        .containsPattern(
            "Node\\.js /__e/node/bin/node \\(the executor's, the node on the worker's PATH,"
                + " mounted at /__e/node, v\\d+\\.\\d+\\.\\d+\\) runs this node20 action")
        .contains("INPUT_WHO-TO-GREET=image");
    assertThat(sink.text(ran.run.ref(), 2)).contains("post sees main: main greeted image");
  }

  private record Ran(JobRun run, ParitySuite.Recorder rec, InMemoryLogSink sink) {
    String log() {
      return sink.jobText(run.ref());
    }
  }

  /** The action as a local one in the job's workspace, run in a container of {@code image}. */
  private Ran run(String image) {
    ActionFixtures.copy("lifecycle", root.resolve(build).resolve("test").resolve("lifecycle"));
    String yaml =
        """
        on: push
        jobs:
          test:
            runs-on: ubuntu-latest
            container: %s
            steps:
              - name: lifecycle
                uses: ./lifecycle
                with:
                  who-to-greet: image
        """
            .formatted(image);
    WorkflowSpec wf = new WorkflowParser().parse(yaml, "ci.yml");
    JobRun run = JobRun.builder(new JobRef(build, "test"), wf, wf.job("test")).build();
    ParitySuite.Recorder rec = new ParitySuite.Recorder();
    runner.start(run, rec);
    await().atMost(Duration.ofSeconds(120)).until(() -> rec.result != null);
    runner.releaseBuild(build);
    return new Ran(run, rec, sink);
  }
}
