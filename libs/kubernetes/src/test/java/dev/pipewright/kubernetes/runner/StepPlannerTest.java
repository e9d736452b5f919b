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
    assertThat(plan.steps().get(4).runWhen())
        .containsExactlyInAnyOrder("success", "failure", "cancelled");
    assertThat(plan.steps())
        .extracting(PlannedStep::mayRunAfterCancel)
        .containsExactly(false, false, false, false, true);
    assertThat(plan.steps().get(2).continueOnError()).isTrue();
    assertThat(plan.steps().get(1).continueOnError()).isFalse();
  }

  @Test
  void onlyAlwaysAndCancelledStepsRunAfterACancel() {
    String yaml =
        Fixtures.buildJob(
            """
            - run: "true"
            - if: success()
              run: "true"
            - if: failure()
              run: "true"
            - if: cancelled()
              run: "true"
            - if: always()
              run: "true"
            - if: "!cancelled()"
              run: "true"
            - if: ${{ cancelled() || failure() }}
              run: "true"
            """);
    JobPlan plan = planner.plan(Fixtures.run("b1", yaml, "build").build());
    assertThat(plan.steps())
        .extracting(s -> String.join(" ", new java.util.TreeSet<>(s.runWhen())))
        .containsExactly(
            "success",
            "success",
            "failure",
            "cancelled",
            "cancelled failure success",
            "failure success",
            "cancelled failure");
    assertThat(plan.steps())
        .extracting(PlannedStep::mayRunAfterCancel)
        .containsExactly(false, false, false, true, true, false, true);
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
    // The secret is a hole the wrapper fills from a secretKeyRef variable, never script text.
    assertThat(plan.files().get(JobPlan.fileKey(job, 2, "script")))
        .isEqualTo("make test TOKEN=@pw@v.0@pw@");
    assertThat(plan.files().get(JobPlan.valueKey(job, 0))).isEqualTo("s3cr3t");
    assertThat(plan.steps().get(1).values()).containsExactly(0);
    assertThat(plan.steps().get(1).mark()).isEqualTo("@pw@");
    assertThat(plan.steps().get(1).shellArgv()).isEmpty();
    assertThat(plan.steps().get(2).values()).isEmpty();
    assertThat(plan.steps().get(2).mark()).isNull();
    assertThat(plan.files().get(JobPlan.fileKey(job, 2, "env")))
        .contains(
            "export LEVEL='job'\n", "export GREETING='hello'\n", "export GITHUB_SHA='abc1234'");
    assertThat(plan.files().get(JobPlan.fileKey(job, 2, "stepenv")))
        .isEqualTo("export LEVEL='step'\n");
    assertThat(plan.files().get(JobPlan.fileKey(job, 1, "script")))
        .contains("git fetch -q --depth=1 origin 'abc1234'", "'https://git.example/acme/app.git'");
  }

  @Test
  void anIfReadingStepOutcomesBecomesATableOverThoseOutcomes() {
    String yaml =
        Fixtures.buildJob(
            """
            - id: a
              run: "true"
              continue-on-error: true
            - id: b
              run: "true"
            - if: always() && steps.a.conclusion == 'success' && steps.b.outcome != 'skipped'
              run: echo yes
            - if: steps.nope.outcome == 'success' || steps.c.outcome == 'success'
              run: echo no
            - id: c
              run: "true"
            """);
    JobPlan plan = planner.plan(Fixtures.run("b1", yaml, "build").build());
    PlannedStep third = plan.steps().get(2);
    assertThat(third.ifSteps()).containsExactly(1, 2);
    // a's conclusion is success when its outcome is success or (continue-on-error) failure.
    assertThat(third.runWhen())
        .containsExactlyInAnyOrder(
            "success:success:success",
            "success:success:failure",
            "success:failure:success",
            "success:failure:failure",
            "failure:success:success",
            "failure:success:failure",
            "failure:failure:success",
            "failure:failure:failure",
            // After a cancel, b may have been cancelled too (killed, or kept from running).
            "cancelled:success:success",
            "cancelled:success:failure",
            "cancelled:success:cancelled",
            "cancelled:failure:success",
            "cancelled:failure:failure",
            "cancelled:failure:cancelled");
    assertThat(third.runsWhen("failure", n -> n == 1 ? "failure" : "success")).isTrue();
    assertThat(third.runsWhen("success", n -> n == 1 ? "skipped" : "success")).isFalse();
    assertThat(third.runsWhen("cancelled", n -> n == 1 ? "success" : "cancelled")).isTrue();
    assertThat(third.runsWhen("cancelled", n -> n == 1 ? "cancelled" : "success")).isFalse();
    // Unknown and later steps read as null, as on GitHub: not part of the table.
    assertThat(plan.steps().get(3).ifSteps()).isEmpty();
    assertThat(plan.steps().get(3).runWhen()).isEmpty();
  }

  @Test
  void stepReferencesInRunAndEnvBecomeHolesWithAMarkAbsentFromTheText() {
    String yaml =
        Fixtures.buildJob(
            """
            - id: a
              run: echo "x=1" >> "$GITHUB_OUTPUT"
            - env:
                X: v=${{ steps.a.outputs.X }}
              run: echo '@pw@' ${{ steps.a.outcome }} ${{ steps.a.conclusion }}
            """);
    JobPlan plan = planner.plan(Fixtures.run("b1", yaml, "build").build());
    PlannedStep second = plan.steps().get(1);
    assertThat(second.mark()).isEqualTo("@pw1@");
    assertThat(plan.files().get(JobPlan.fileKey(plan.jobName(), 2, "script")))
        .isEqualTo("echo '@pw@' @pw1@u.1@pw1@ @pw1@c.1@pw1@");
    assertThat(plan.files().get(JobPlan.fileKey(plan.jobName(), 2, "stepenv")))
        .isEqualTo("X=$(pw_expand 'v=@pw1@o.1.x@pw1@'; printf x); export X=\"${X%x}\"\n");
  }

  @Test
  void aStepUsingTheStepsContextInAWayThePodCannotEvaluateFailsWhenReached() {
    String outputsInIf =
        """
        - if: steps.a.outputs.x == '1'
          run: echo yes
        """;
    // An if: that cannot be planned fails the step whenever the job was not cancelled.
    assertThat(assertRefused(outputsInIf, "jobs.build.steps[1].if", "steps.<id>.outputs").runWhen())
        .containsExactlyInAnyOrder("success", "failure");
    String fourOutcomes =
        """
        - id: b
          run: "true"
        - id: c
          run: "true"
        - id: d
          run: "true"
        - if: steps.a.outcome == steps.b.outcome && steps.c.outcome == steps.d.outcome
          run: echo yes
        """;
    assertRefused(fourOutcomes, "jobs.build.steps[4].if", "at most 3");
    String functionOfSteps =
        """
        - run: echo ${{ toJSON(steps.a.outputs) }}
        """;
    // Its own if: (the implicit success()) still decides whether the step is reached.
    assertThat(
            assertRefused(functionOfSteps, "jobs.build.steps[1].run", "toJSON(steps.a.outputs)")
                .runWhen())
        .containsExactly("success");
    String workdir =
        """
        - run: "true"
          working-directory: ${{ steps.a.outputs.dir }}
        """;
    assertRefused(workdir, "working-directory", "only supports in run:, env: and if:");
    String envOfSteps =
        """
        - env:
            X: ${{ steps.a.outputs.x }}
          run: echo ${{ env.X }}
        """;
    assertRefused(envOfSteps, "jobs.build.steps[1].run", "use $X in the script");
  }

  /**
   * As on GitHub, where a step's expressions are evaluated when it is reached: the steps before it
   * run, and it fails with INVALID_SPEC, its container printing the error.
   */
  private PlannedStep assertRefused(String laterSteps, String where, String why) {
    String yaml =
        Fixtures.buildJob(
            """
            - id: a
              run: echo "x=1" >> "$GITHUB_OUTPUT"
            """
                + laterSteps);
    JobPlan plan = planner.plan(Fixtures.run("b1", yaml, "build").build());
    assertThat(plan.steps().getFirst().invalid()).isNull();
    PlannedStep refused = plan.steps().getLast();
    assertThat(refused.invalid()).contains(where).contains(why);
    assertThat(refused.continueOnError()).isFalse();
    assertThat(plan.files().get(JobPlan.fileKey(plan.jobName(), refused.number(), "script")))
        .startsWith("echo '##[error]jobs.build.steps[")
        .contains(where)
        .endsWith(" >&2\nexit 1\n");
    return refused;
  }

  @Test
  void anExpressionThatCannotBeEvaluatedFailsItsStepNotThePlan() {
    String yaml =
        Fixtures.buildJob(
            """
            - run: echo first
            - run: echo ${{ fromJSON('not json') }}
            - run: sha=${{ hashFiles('**/pom.xml') }}
            - if: always()
              run: echo after
            """);
    JobPlan plan = planner.plan(Fixtures.run("b1", yaml, "build").build());

    assertThat(plan.steps()).extracting(PlannedStep::invalid).first().isNull();
    assertThat(plan.steps().get(1).invalid())
        .startsWith("jobs.build.steps[1].run: Error parsing fromJSON: ");
    assertThat(plan.steps().get(2).invalid())
        .startsWith("jobs.build.steps[2].run: hashFiles() is not available in this context");
    assertThat(plan.steps().get(3).invalid()).isNull();
    assertThat(plan.steps().get(3).runWhen()).contains("success", "failure");
  }

  @Test
  void aJobLevelExpressionThatCannotBeEvaluatedRefusesTheJob() {
    String yaml =
        """
        on: push
        jobs:
          build:
            runs-on: ubuntu-latest
            env:
              BAD: ${{ fromJSON('not json') }}
            steps:
              - run: echo hi
        """;
    assertThatThrownBy(() -> planner.plan(Fixtures.run("b1", yaml, "build").build()))
        .isInstanceOfSatisfying(
            CiException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_SPEC))
        .hasMessageStartingWith("jobs.build.env.BAD: ");
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
