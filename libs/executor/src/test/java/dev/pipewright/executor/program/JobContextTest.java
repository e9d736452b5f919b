package dev.pipewright.executor.program;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pipewright.executor.JobRef;
import dev.pipewright.executor.JobRun;
import dev.pipewright.executor.NeedResult;
import dev.pipewright.executor.RepositoryRef;
import dev.pipewright.executor.StrategyContext;
import dev.pipewright.models.Conclusion;
import dev.pipewright.parser.WorkflowParser;
import dev.pipewright.parser.spec.WorkflowSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JobContextTest {
  private static final String YAML =
      """
      name: CI
      on: push
      env:
        LEVEL: workflow
      jobs:
        setup:
          runs-on: ubuntu-latest
          steps:
            - run: echo setup
        build:
          runs-on: ubuntu-latest
          needs: setup
          steps:
            - run: echo hi
      """;

  private final WorkflowSpec wf = new WorkflowParser().parse(YAML, "ci.yml");
  private final JobRun run =
      JobRun.builder(new JobRef("b-7", "build.2"), wf, wf.job("build"))
          .runNumber(12)
          .attempt(2)
          .matrix(Map.of("os", "linux", "n", 3))
          .strategy(new StrategyContext(false, 1, 4, 2))
          .needs(Map.of("setup", new NeedResult(Conclusion.SUCCESS, Map.of("version", "1.2"))))
          .vars(Map.of("REGION", "eu"))
          .secrets(Map.of("TOKEN", "t0k"))
          .repository(
              new RepositoryRef(
                  "https://git.example/acme/app.git", null, "refs/heads/main", "abc123"))
          .build();
  private final JobContext ctx = new JobContext(run, "/ws/b-7", Map.of("os", "Linux"), null);

  @Test
  void exposesTheRunsContexts() {
    Map<String, String> env = Map.of("LEVEL", "job");
    assertThat(
            ctx.render(
                "${{ github.repository }} ${{ github.ref_name }} ${{ github.run_number }}"
                    + " ${{ matrix.os }}-${{ matrix.n }} ${{ strategy.job-index }}/${{ strategy.job-total }}"
                    + " ${{ needs.setup.result }} ${{ needs.setup.outputs.version }}"
                    + " ${{ vars.REGION }} ${{ secrets.TOKEN }} ${{ env.LEVEL }} ${{ runner.os }}"
                    + " ${{ job.status }}",
                env))
        .isEqualTo("acme/app main 12 linux-3 1/4 success 1.2 eu t0k job Linux success");
  }

  @Test
  void stepsContextAndStatusFunctionsFollowRecordedSteps() {
    ctx.recordStep("a", "success", "success", Map.of("x", "1"));
    assertThat(ctx.render("${{ steps.a.outputs.x }} ${{ steps.a.outcome }}", Map.of()))
        .isEqualTo("1 success");
    assertThat(ctx.test(null, Map.of())).isTrue();
    ctx.recordStep("b", "failure", "success", Map.of());
    assertThat(ctx.test(null, Map.of())).as("continue-on-error keeps success()").isTrue();
    ctx.recordStep("c", "failure", "failure", Map.of());
    assertThat(ctx.test(null, Map.of())).isFalse();
    assertThat(ctx.test("failure()", Map.of())).isTrue();
    assertThat(ctx.test("always()", Map.of())).isTrue();
    assertThat(ctx.render("${{ job.status }}", Map.of())).isEqualTo("failure");
    ctx.markCancelled();
    assertThat(ctx.test("failure()", Map.of())).isFalse();
    assertThat(ctx.test("cancelled()", Map.of())).isTrue();
    assertThat(ctx.render("${{ job.status }}", Map.of())).isEqualTo("cancelled");
  }

  @Test
  void envLayersSeeTheOuterLayer() {
    Map<String, String> workflow =
        ctx.layerEnv(Map.of(), Map.of("A", "a", "B", "${{ vars.REGION }}"));
    Map<String, String> job = ctx.layerEnv(workflow, Map.of("A", "${{ env.A }}-job"));
    assertThat(job).containsEntry("A", "a-job").containsEntry("B", "eu");
  }

  @Test
  void defaultEnvironmentVariables() {
    assertThat(ctx.defaultEnv())
        .containsEntry("CI", "true")
        .containsEntry("GITHUB_ACTIONS", "true")
        .containsEntry("GITHUB_RUN_ID", "b-7")
        .containsEntry("GITHUB_RUN_NUMBER", "12")
        .containsEntry("GITHUB_RUN_ATTEMPT", "2")
        .containsEntry("GITHUB_JOB", "build")
        .containsEntry("GITHUB_REPOSITORY", "acme/app")
        .containsEntry("GITHUB_REF", "refs/heads/main")
        .containsEntry("GITHUB_SHA", "abc123")
        .containsEntry("GITHUB_WORKSPACE", "/ws/b-7")
        .containsEntry("RUNNER_OS", "Linux");
  }

  @Test
  void timeoutsAndFlags() {
    assertThat(ctx.minutes(null, Map.of())).isNull();
    assertThat(ctx.minutes("1.5", Map.of())).isEqualTo(Duration.ofSeconds(90));
    assertThat(ctx.minutes("${{ matrix.n }}", Map.of())).isEqualTo(Duration.ofMinutes(3));
    assertThatThrownBy(() -> ctx.minutes("soon", Map.of())).hasMessageContaining("positive number");
    assertThat(ctx.flag("${{ matrix.os == 'linux' }}", Map.of())).isTrue();
    assertThat(ctx.flag("false", Map.of())).isFalse();
    assertThat(ctx.flag(null, Map.of())).isFalse();
  }

  @Test
  void jobOutputsRenderWithTheFinalStepsContext() {
    ctx.recordStep("build", "success", "success", Map.of("artifact", "app.jar"));
    assertThat(
            ctx.outputs(
                Map.of(
                    "jar",
                    "${{ steps.build.outputs.artifact }}",
                    "none",
                    "${{ steps.x.outputs.y }}"),
                Map.of()))
        .containsEntry("jar", "app.jar")
        .containsEntry("none", "");
  }

  @Test
  void hashFilesHashesMatchedFilesInOrder(@TempDir Path ws) throws Exception {
    Files.createDirectories(ws.resolve("sub"));
    Files.writeString(ws.resolve("a.lock"), "one");
    Files.writeString(ws.resolve("sub/b.lock"), "two");
    Files.writeString(ws.resolve("c.txt"), "three");
    String all = HashFiles.compute(ws, List.of("**/*.lock"));
    assertThat(all).hasSize(64);
    assertThat(HashFiles.compute(ws, List.of("**/*.lock", "!sub/**"))).isNotEqualTo(all);
    assertThat(HashFiles.compute(ws, List.of("*.none"))).isEmpty();
    JobContext withWs = new JobContext(run, ws.toString(), Map.of(), p -> HashFiles.compute(ws, p));
    assertThat(withWs.render("${{ hashFiles('**/*.lock') }}", Map.of())).isEqualTo(all);
    Files.writeString(ws.resolve("a.lock"), "changed");
    assertThat(HashFiles.compute(ws, List.of("**/*.lock"))).isNotEqualTo(all);
  }
}
