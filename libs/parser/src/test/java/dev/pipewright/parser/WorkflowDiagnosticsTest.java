package dev.pipewright.parser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.pipewright.models.ErrorCode;
import org.junit.jupiter.api.Test;

class WorkflowDiagnosticsTest {
  private final WorkflowParser parser = new WorkflowParser();

  /** Every diagnostic, formatted, one per line. */
  private String errors(String yaml) {
    WorkflowException e =
        catchThrowableOfType(WorkflowException.class, () -> parser.parse(yaml, "wf.yml"));
    assertThat(e).as("expected the workflow to be rejected").isNotNull();
    return e.getMessage();
  }

  @Test
  void reportsEveryProblemAtOnceInFileOrder() {
    String yaml =
        """
        on: push
        jobs:
          build:
            runs_on: ubuntu-latest
            steps:
              - run: make
                uses: actions/checkout@v4
              - name: nothing to do
          deploy:
            needs: biuld
            runs-on: ubuntu-latest
            steps:
              - id: ship
                run: ./ship
              - id: ship
                run: ./ship again
        """;
    WorkflowException e =
        catchThrowableOfType(WorkflowException.class, () -> parser.parse(yaml, "wf.yml"));

    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_SPEC);
    assertThat(e.retryable()).isFalse();
    assertThat(e.diagnostics()).hasSize(6);
    assertThat(e.getMessage())
        .isEqualTo(
            """
            wf.yml:3:3: error: job 'build' is missing 'runs-on'
              hint: add e.g. 'runs-on: ubuntu-latest' (or 'uses:' to call a reusable workflow)
            wf.yml:4:5: error: unknown key 'runs_on' in job 'build'
              hint: did you mean 'runs-on'?
            wf.yml:6:9: error: step 1 of job 'build' has both 'run' and 'uses'
              hint: a step either runs a script ('run') or an action ('uses'); split it into two steps
            wf.yml:8:9: error: step 2 of job 'build' has neither 'run' nor 'uses'
              hint: add 'run: <script>' or 'uses: <owner>/<repo>@<ref>'
            wf.yml:10:12: error: job 'deploy' needs unknown job 'biuld'
              hint: did you mean 'build'?
            wf.yml:15:13: error: duplicate step id 'ship' in job 'deploy'
              hint: 'ship' is first used at line 13""");
    assertThat(e.diagnostics().get(4))
        .isEqualTo(
            new Diagnostic(
                "wf.yml",
                10,
                12,
                "job 'deploy' needs unknown job 'biuld'",
                "did you mean 'build'?"));
  }

  @Test
  void formatsWithAndWithoutHint() {
    assertThat(new Diagnostic("a.yml", 3, 7, "boom", null).format())
        .isEqualTo("a.yml:3:7: error: boom");
    assertThat(new Diagnostic("a.yml", 3, 7, "boom", "fix it").format())
        .isEqualTo("a.yml:3:7: error: boom\n  hint: fix it");
  }

  @Test
  void badJobIdsAndStepIds() {
    assertThat(
            errors(
                """
                jobs:
                  1build:
                    runs-on: x
                    steps:
                      - id: "2nd step"
                        run: echo
                  my.job:
                    runs-on: x
                    steps: [{run: echo}]
                """))
        .isEqualTo(
            """
            wf.yml:2:3: error: invalid job id '1build'
              hint: an id starts with a letter or '_' and contains only letters, digits, '-' and '_'
            wf.yml:5:13: error: invalid step id '2nd step'
              hint: an id starts with a letter or '_' and contains only letters, digits, '-' and '_'
            wf.yml:7:3: error: invalid job id 'my.job'
              hint: an id starts with a letter or '_' and contains only letters, digits, '-' and '_'""");
  }

  @Test
  void missingStepsAndEmptyJobs() {
    assertThat(
            errors(
                """
                jobs:
                  a:
                    runs-on: x
                  b:
                    runs-on: x
                    steps: []
                  c:
                """))
        .isEqualTo(
            """
            wf.yml:2:3: error: job 'a' has no 'steps'
              hint: add 'steps:' with at least one 'run' or 'uses' step
            wf.yml:6:5: error: job 'b' has an empty 'steps' list
            wf.yml:7:3: error: job 'c' is empty""");
  }

  @Test
  void wrongTypes() {
    assertThat(
            errors(
                """
                env: [A, B]
                jobs:
                  a:
                    runs-on: x
                    timeout-minutes: ten
                    continue-on-error: maybe
                    needs: {x: 1}
                    steps:
                      - run: [echo]
                        with:
                          args: [a, b]
                """))
        .isEqualTo(
            """
            wf.yml:1:6: error: 'env' must be a mapping, not a sequence
            wf.yml:5:22: error: 'timeout-minutes' must be a number or an expression, not the string 'ten'
            wf.yml:6:24: error: 'continue-on-error' must be a boolean or an expression, not the string 'maybe'
            wf.yml:7:12: error: 'needs' must be a string or a sequence of strings, not a mapping
            wf.yml:9:14: error: 'run' must be a string, not a sequence
            wf.yml:11:17: error: 'with.args' must be a string, number or boolean, not a sequence""");
  }

  @Test
  void unknownKeysAtEveryLevelWithSuggestionOrTheKnownKeys() {
    assertThat(
            errors(
                """
                on: psuh
                nmae: CI
                jobs:
                  a:
                    runs-on: x
                    strategy:
                      fail_fast: false
                    steps:
                      - run: echo
                        working-dir: src
                        colour: red
                """))
        .isEqualTo(
            """
            wf.yml:1:5: error: unknown event 'psuh' in 'on'
              hint: did you mean 'push'?
            wf.yml:2:1: error: unknown key 'nmae' in the workflow
              hint: did you mean 'name'?
            wf.yml:7:7: error: unknown key 'fail_fast' in 'strategy' of job 'a'
              hint: did you mean 'fail-fast'?
            wf.yml:10:9: error: unknown key 'working-dir' in step 1 of job 'a'
              hint: did you mean 'working-directory'?
            wf.yml:11:9: error: unknown key 'colour' in step 1 of job 'a'
              hint: expected one of: id, name, if, run, uses, with, env, shell, working-directory, \
            timeout-minutes, continue-on-error""");
  }

  @Test
  void yamlSyntaxErrorWithPosition() {
    assertThat(
            errors(
                """
                jobs:
                  a:
                    runs-on: [ubuntu-latest
                    steps: []
                """))
        .isEqualTo(
            """
            wf.yml:4:10: error: YAML syntax: expected ',' or ']', but got :
              hint: while parsing a flow sequence that starts at line 3, column 14""");
    assertThat(errors("a: b\n c: d\n"))
        .isEqualTo("wf.yml:2:3: error: YAML syntax: mapping values are not allowed here");
    assertThat(errors("jobs: *nowhere\n"))
        .isEqualTo("wf.yml:1:7: error: YAML syntax: found undefined alias nowhere");
  }

  @Test
  void emptyFileAndNonMappingRoot() {
    assertThat(errors("")).isEqualTo("wf.yml:1:1: error: the workflow file is empty");
    assertThat(errors("# only a comment\n"))
        .isEqualTo("wf.yml:1:1: error: the workflow file is empty");
    assertThat(errors("- a\n- b\n"))
        .isEqualTo("wf.yml:1:1: error: a workflow must be a mapping, not a sequence");
    assertThat(errors("name: x\n"))
        .isEqualTo(
            """
            wf.yml:1:1: error: the workflow has no 'jobs'
              hint: add a 'jobs:' mapping with at least one job""");
  }

  @Test
  void duplicateKeys() {
    assertThat(
            errors(
                """
                jobs:
                  a:
                    runs-on: x
                    runs-on: y
                    steps: [{run: echo}]
                """))
        .isEqualTo(
            """
            wf.yml:4:5: error: duplicate key 'runs-on'
              hint: 'runs-on' is first defined at line 3""");
  }
}
