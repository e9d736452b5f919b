package dev.pipewright.executor.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pipewright.executor.JobRef;
import dev.pipewright.executor.JobRun;
import dev.pipewright.executor.NeedResult;
import dev.pipewright.executor.RepositoryRef;
import dev.pipewright.executor.StrategyContext;
import dev.pipewright.executor.host.JobPaths;
import dev.pipewright.executor.host.process.ProcessHostFactory;
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
  private final JobPaths paths =
      new JobPaths("/ws/b-7/build.2", "/runner/temp", "/runner/tools", "/runner");
  private final Map<String, Object> contexts =
      ContextBuilder.jobContexts(run, paths, "/runner/event.json", "test-runner");
  private final JobContext ctx = new JobContext(contexts, Map.of(), Map.of(), null);

  /**
   * A composite action's steps see its inputs, its own steps context and the action's github
   * fields; their status functions read the action's status (actions/runner FunctionSuccess.cs: an
   * embedded step's success() is its action_status), not the job's.
   */
  @Test
  void aCompositeActionsStepsSeeItsInputsItsOwnStepsAndItsOwnStatus() {
    ctx.recordStep("outer", "success", "success", Map.of("v", "1"));
    ctx.recordStep("broken", "failure", "failure", Map.of());
    JobContext action =
        ctx.composite(Map.of("who", "World"), Map.of("action_path", "/runner/_actions/a/b/sha"));

    assertThat(action.render("${{ inputs.who }} ${{ github.action_path }}", Map.of()))
        .isEqualTo("World /runner/_actions/a/b/sha");
    assertThat(action.render("[${{ steps.outer.outputs.v }}]", Map.of())).isEqualTo("[]");
    assertThat(action.test(null, Map.of())).as("the action has not failed").isTrue();
    assertThat(ctx.test(null, Map.of())).as("the job has").isFalse();

    action.recordStep("say", "failure", "failure", Map.of("m", "hi"));
    assertThat(action.render("${{ steps.say.outputs.m }}", Map.of())).isEqualTo("hi");
    assertThat(action.test(null, Map.of())).isFalse();
    assertThat(action.test("failure()", Map.of())).isTrue();
    assertThat(ctx.render("[${{ steps.say.outputs.m }}]", Map.of())).isEqualTo("[]");
  }

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

  /** The variables of GitHub's docs, "Default environment variables", derived from the contexts. */
  @Test
  void defaultEnvironmentVariables() {
    ctx.enterStep(Map.of("action", "__run", "env", "/runner/step-1.a2.env"));
    assertThat(ContextBuilder.defaultEnv(ctx.github(), ctx.runner()))
        .containsEntry("CI", "true")
        .containsEntry("GITHUB_ACTIONS", "true")
        .containsEntry("GITHUB_RUN_ID", "b-7")
        .containsEntry("GITHUB_RUN_NUMBER", "12")
        .containsEntry("GITHUB_RUN_ATTEMPT", "2")
        .containsEntry("GITHUB_JOB", "build")
        .containsEntry("GITHUB_REPOSITORY", "acme/app")
        .containsEntry("GITHUB_REF", "refs/heads/main")
        .containsEntry("GITHUB_SHA", "abc123")
        .containsEntry("GITHUB_WORKSPACE", "/ws/b-7/build.2")
        .containsEntry("GITHUB_EVENT_PATH", "/runner/event.json")
        .containsEntry("GITHUB_ACTION", "__run")
        .containsEntry("GITHUB_ENV", "/runner/step-1.a2.env")
        .containsEntry("GITHUB_REF_PROTECTED", "false")
        .containsEntry("RUNNER_OS", "Linux")
        .containsEntry("RUNNER_NAME", "test-runner")
        .containsEntry("RUNNER_TEMP", "/runner/temp")
        .containsEntry("RUNNER_TOOL_CACHE", "/runner/tools");
    ctx.leaveStep();
    assertThat(ctx.github()).doesNotContainKey("env");
  }

  @Test
  void timeoutsAndFlags() {
    assertThat(ctx.minutes(null, Map.of())).isNull();
    assertThat(ctx.minutes("1.5", Map.of())).isEqualTo(Duration.ofSeconds(90));
    assertThat(ctx.minutes("${{ matrix.n }}", Map.of())).isEqualTo(Duration.ofMinutes(3));
    assertThatThrownBy(() -> ctx.minutes("soon", Map.of())).hasMessageContaining("a number");
    assertThat(ctx.minutes("0", Map.of())).as("no timeout, as StepsRunner").isNull();
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
  void hashFilesHashesMatchedFilesInOrder(@TempDir Path root) throws Exception {
    var factory = new ProcessHostFactory(root, List.of());
    var host = factory.open(run);
    host.prepare();
    Path ws = Path.of(host.paths().workspace());
    Files.createDirectories(ws.resolve("sub"));
    Files.writeString(ws.resolve("a.lock"), "one");
    Files.writeString(ws.resolve("sub/b.lock"), "two");
    Files.writeString(ws.resolve("c.txt"), "three");
    String wsPath = ws.toString();
    String all = HashFiles.compute(host.files(), wsPath, List.of("**/*.lock"));
    assertThat(all).hasSize(64);
    assertThat(HashFiles.compute(host.files(), wsPath, List.of("**/*.lock", "!sub/**")))
        .isNotEqualTo(all);
    assertThat(HashFiles.compute(host.files(), wsPath, List.of("*.none"))).isEmpty();
    JobContext withWs =
        new JobContext(
            contexts, Map.of(), Map.of(), p -> HashFiles.compute(host.files(), wsPath, p));
    assertThat(withWs.render("${{ hashFiles('**/*.lock') }}", Map.of())).isEqualTo(all);
    Files.writeString(ws.resolve("a.lock"), "changed");
    assertThat(HashFiles.compute(host.files(), wsPath, List.of("**/*.lock"))).isNotEqualTo(all);
  }

  @Test
  void aRunningStepSurvivesACancelOnlyWhenItsConditionHoldsUnderIt() {
    assertThat(ctx.survivesCancel(null, Map.of())).isFalse();
    assertThat(ctx.survivesCancel("success()", Map.of())).isFalse();
    assertThat(ctx.survivesCancel("always()", Map.of())).isTrue();
    assertThat(ctx.survivesCancel("cancelled()", Map.of())).isTrue();
    assertThat(ctx.survivesCancel("vars.REGION == 'eu'", Map.of())).isFalse();
    assertThat(ctx.test("cancelled()", Map.of())).as("the job itself goes on").isFalse();
  }
}
