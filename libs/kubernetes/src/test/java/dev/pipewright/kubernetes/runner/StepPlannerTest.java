package dev.pipewright.kubernetes.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pipewright.executor.JobRun;
import dev.pipewright.models.CiException;
import dev.pipewright.models.ErrorCode;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StepPlannerTest {
  private final StepPlanner planner = new StepPlanner(Fixtures.CONFIG);

  static final String WORKFLOW =
      """
      name: ci
      on: push
      env:
        LEVEL: workflow
        GREETING: hello
      jobs:
        build:
          runs-on: ubuntu-latest
          timeout-minutes: 10
          env:
            LEVEL: job
          steps:
            - uses: actions/checkout@v4
            - name: Test
              run: make test TOKEN=${{ secrets.TOKEN }}
              env:
                LEVEL: step
              timeout-minutes: 2
            - name: Lint
              run: make lint
              continue-on-error: true
            - name: Report
              if: failure()
              run: echo failed
            - name: Always
              if: always()
              run: echo always
              working-directory: app
              shell: bash
      """;

  @Test
  void evaluatesEachIfForEveryJobStatus() {
    JobPlan plan = planner.plan(Fixtures.run("b1", WORKFLOW, "build").build());
    assertThat(plan.steps())
        .extracting(PlannedStep::name)
        .containsExactly("actions/checkout@v4", "Test", "Lint", "Report", "Always");
    assertThat(plan.steps().get(1).runWhen()).containsExactly("success");
    assertThat(plan.steps().get(3).runWhen()).containsExactly("failure");
    assertThat(plan.steps().get(4).runWhen()).containsExactlyInAnyOrder("success", "failure");
    assertThat(plan.steps().get(2).continueOnError()).isTrue();
    assertThat(plan.steps().get(1).continueOnError()).isFalse();
  }

  @Test
  void resolvesImageTimeoutsShellAndWorkingDirectory() {
    JobPlan plan = planner.plan(Fixtures.run("b1", WORKFLOW, "build").build());
    assertThat(plan.image()).isEqualTo("ubuntu:24.04");
    assertThat(plan.activeDeadlineSeconds()).isEqualTo(600);
    assertThat(plan.steps().get(1).timeoutSeconds()).isEqualTo(120);
    assertThat(plan.steps().get(1).shellArgv()).isEmpty();
    assertThat(plan.steps().get(4).shellArgv())
        .containsExactly(
            "bash", "--noprofile", "--norc", "-eo", "pipefail", "/pipewright/files/5.script");
    assertThat(plan.steps().get(4).workingDirectory()).isEqualTo("/workspace/app");
    assertThat(plan.steps().get(0).workingDirectory()).isEqualTo("/workspace");
  }

  @Test
  void policyCapsTheJobTimeout() {
    JobRun run = Fixtures.run("b1", WORKFLOW, "build").maxTimeout(Duration.ofMinutes(5)).build();
    assertThat(planner.plan(run).activeDeadlineSeconds()).isEqualTo(300);
  }

  @Test
  void rendersScriptsAndEnvIntoFilesWithPrecedence() {
    JobRun run = Fixtures.run("b1", WORKFLOW, "build").secrets(Map.of("TOKEN", "s3cr3t")).build();
    JobPlan plan = planner.plan(run);
    String job = plan.jobName();
    assertThat(plan.files().get(JobPlan.fileKey(job, 2, "script")))
        .isEqualTo("make test TOKEN=s3cr3t");
    assertThat(plan.files().get(JobPlan.fileKey(job, 2, "env")))
        .contains(
            "export LEVEL='job'\n", "export GREETING='hello'\n", "export GITHUB_SHA='abc1234'");
    assertThat(plan.files().get(JobPlan.fileKey(job, 2, "stepenv")))
        .isEqualTo("export LEVEL='step'\n");
    assertThat(plan.files().get(JobPlan.fileKey(job, 1, "script")))
        .contains("git fetch -q --depth=1 origin 'abc1234'", "'https://git.example/acme/app.git'");
  }

  @Test
  void refusesWorkflowsThatReadTheStepsContext() {
    String yaml =
        """
        on: push
        jobs:
          build:
            runs-on: ubuntu-latest
            steps:
              - id: a
                run: echo "x=1" >> "$GITHUB_OUTPUT"
              - if: steps.a.outputs.x == '1'
                run: echo yes
        """;
    assertThatThrownBy(() -> planner.plan(Fixtures.run("b1", yaml, "build").build()))
        .isInstanceOf(CiException.class)
        .hasMessageContaining("jobs.build.steps[1].if")
        .hasMessageContaining("steps context")
        .satisfies(e -> assertThat(((CiException) e).code()).isEqualTo(ErrorCode.INVALID_SPEC));
  }

  @Test
  void matrixValuesAndContainerImageAreUsed() {
    String yaml =
        """
        on: push
        jobs:
          test:
            runs-on: self-hosted
            container:
              image: node:${{ matrix.node }}
            strategy:
              matrix:
                node: [20, 22]
            steps:
              - run: node --version && echo ${{ matrix.node }}
        """;
    JobRun run = Fixtures.run("b1", yaml, "test").matrix(Map.of("node", 22)).build();
    JobPlan plan = planner.plan(run);
    assertThat(plan.image()).isEqualTo("node:22");
    assertThat(plan.files().get(JobPlan.fileKey(plan.jobName(), 1, "script")))
        .isEqualTo("node --version && echo 22");
  }

  @Test
  void shellQuotingSurvivesQuotes() {
    assertThat(StepPlanner.envFile(Map.of("A", "it's", "bad-name", "x")))
        .isEqualTo("export A='it'\\''s'\n");
  }
}
