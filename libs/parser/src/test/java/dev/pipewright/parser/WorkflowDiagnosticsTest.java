package dev.pipewright.parser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.pipewright.models.ErrorCode;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
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

  @Test
  void badExpressionsArePositionedInsideTheScalar() {
    assertThat(
            errors(
                """
                run-name: Deploy ${{ github.ref == }}
                jobs:
                  a:
                    if: ${{ success() && }}
                    runs-on: x
                    env:
                      QUOTED: "pre ${{ foo( }}"
                    steps:
                      - if: github.event_name = 'push'
                        run: |
                          echo start
                          echo ${{ 1 + 2 }}
                      - run: echo ${{ matrix.os
                """))
        .isEqualTo(
            """
            wf.yml:1:36: error: invalid expression: unexpected end of expression
            wf.yml:4:26: error: invalid expression: unexpected end of expression
            wf.yml:7:24: error: invalid expression: unrecognized function: 'foo'
            wf.yml:9:31: error: invalid expression: unexpected symbol: '='
            wf.yml:12:22: error: invalid expression: unexpected symbol: '+'
            wf.yml:13:19: error: invalid expression: the expression is not closed: \
            '${{' has no matching '}}'""");
  }

  @Test
  void expressionInAnAnchorIsReportedOnceWhereItIsWritten() {
    assertThat(
            errors(
                """
                jobs:
                  a:
                    runs-on: x
                    env: &shared
                      X: ${{ nope( }}
                    steps: [{run: echo}]
                  b:
                    runs-on: x
                    env: *shared
                    steps: [{run: echo}]
                """))
        .isEqualTo("wf.yml:5:14: error: invalid expression: unrecognized function: 'nope'");
  }

  @Test
  void reusableWorkflowCallsRejectRunnerKeysAndNeedAValidReference() {
    assertThat(
            errors(
                """
                jobs:
                  call:
                    uses: octo/repo@v1
                    runs-on: ubuntu-latest
                    steps: [{run: echo}]
                  plain:
                    runs-on: x
                    with: {a: 1}
                    steps:
                      - uses: actions/checkout
                """))
        .isEqualTo(
            """
            wf.yml:3:11: error: invalid reusable workflow reference 'octo/repo@v1'
              hint: expected '{owner}/{repo}/.github/workflows/{file}.yml@{ref}' or \
            './.github/workflows/{file}.yml'
            wf.yml:4:5: error: 'runs-on' cannot be used in job 'call', which calls a reusable workflow
              hint: a job with 'uses' runs the called workflow's jobs; move 'runs-on' there
            wf.yml:5:5: error: 'steps' cannot be used in job 'call', which calls a reusable workflow
              hint: a job with 'uses' runs the called workflow's jobs; move 'steps' there
            wf.yml:8:5: error: 'with' is only allowed in a job that calls a reusable workflow ('uses')
            wf.yml:10:15: error: invalid action reference 'actions/checkout'
              hint: expected '{owner}/{repo}[/path]@{ref}', './{path}' or \
            'docker://{image}[:{tag}|@{digest}]'""");
  }

  @Test
  void matrixProblems() {
    assertThat(
            errors(
                """
                jobs:
                  a:
                    runs-on: x
                    strategy:
                      max-parallel: 0
                      matrix:
                        os: ubuntu-latest
                        node: []
                        exclude:
                          - nod: 18
                    steps: [{run: echo}]
                  big:
                    runs-on: x
                    strategy:
                      matrix:
                        a: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17]
                        b: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16]
                    steps: [{run: echo}]
                """))
        .isEqualTo(
            """
            wf.yml:5:21: error: 'strategy.max-parallel' must be a positive integer, not the number '0'
            wf.yml:7:13: error: matrix axis 'os' must be a sequence of values, not a string
              hint: write 'os: [ubuntu-latest]'
            wf.yml:8:15: error: matrix axis 'node' has no values
            wf.yml:10:13: error: matrix exclude key 'nod' is not a matrix axis
              hint: did you mean 'node'?
            wf.yml:16:9: error: matrix of job 'big' has 272 combinations; the limit is 256
              hint: split the job or exclude combinations""");
  }

  @Test
  void hugeMatrixIsRefusedWithoutExpandingIt() {
    String axis =
        IntStream.range(0, 100).mapToObj(i -> "v" + i).collect(Collectors.joining(", ", "[", "]"));
    String yaml =
        "jobs:\n  a:\n    runs-on: x\n    strategy:\n      matrix:\n"
            + "        a: %s\n        b: %s\n        c: %s\n        exclude: [{a: v0}]\n"
                .formatted(axis, axis, axis)
            + "    steps: [{run: echo}]\n";
    assertThat(errors(yaml))
        .isEqualTo(
            """
            wf.yml:6:9: error: matrix of job 'a' has at least 990000 combinations; the limit is 256
              hint: split the job or exclude combinations""");
  }

  @Test
  void mostlyExcludedHugeMatrixIsStillRefused() {
    String axis =
        IntStream.range(0, 1000).mapToObj(i -> "v").collect(Collectors.joining(", ", "[", "]"));
    String yaml =
        "jobs:\n  a:\n    runs-on: x\n    strategy:\n      matrix:\n"
            + "        a: %s\n        b: %s\n        exclude: [{a: v}]\n".formatted(axis, axis)
            + "    steps: [{run: echo}]\n";
    assertThat(errors(yaml))
        .isEqualTo(
            """
            wf.yml:6:9: error: matrix of job 'a' has over 100000 combinations before 'exclude'
              hint: split the job; the limit is 256 combinations""");
  }

  @Test
  void containerServicesConcurrencyAndSecretsShapes() {
    assertThat(
            errors(
                """
                concurrency:
                  cancel-in-progress: true
                jobs:
                  a:
                    runs-on: x
                    container:
                      options: --cpus 2
                    services:
                      db: [postgres]
                    steps: [{run: echo}]
                  b:
                    uses: ./.github/workflows/r.yml
                    secrets: all
                """))
        .isEqualTo(
            """
            wf.yml:2:3: error: 'concurrency' of the workflow is missing 'group'
            wf.yml:7:7: error: 'container' is missing 'image'
            wf.yml:9:11: error: 'services.db' must be a mapping, not a sequence
            wf.yml:13:14: error: 'secrets' must be 'inherit' or a mapping, not the string 'all'""");
  }

  @Test
  void malformedContainerAndServiceOptionsAreErrorsWhereTheyAreWritten() {
    // Options valid for GitHub that Pipewright does not honour (--network, a job container's
    // health check) are no parse errors: lint and admission say which host cannot run them.
    assertThat(
            errors(
                """
                jobs:
                  a:
                    runs-on: x
                    container:
                      image: img
                      options: --health-cmd true
                      credentials: {user: u}
                    services:
                      db:
                        image: pg
                        options: >-
                          --health-cmd "pg_isready -h localhost" --health-interval 10x
                      cache:
                        image: redis
                        options: --network host
                      ok:
                        image: redis
                        options: -e A=1 --health-cmd 'redis-cli ping' --health-retries 5 -u 999
                      quoted:
                        image: mssql
                        options: >-
                          --health-cmd="sqlcmd -Q \\"SELECT 1\\" || exit 1" --health-retries x
                      later:
                        image: redis
                        options: ${{ vars.OPTS }}
                    steps: [{run: echo}]
                """))
        .isEqualTo(
            """
            wf.yml:7:20: error: 'container.credentials' takes 'username' and 'password', not 'user'
            wf.yml:11:18: error: 'services.db.options': --health-interval '10x' is not a duration\
             such as 10s, 1m30s or 500ms
            wf.yml:21:18: error: 'services.quoted.options': --health-retries 'x' is not a number\
             above 0""");
  }

  @Test
  void recursiveAliasesAndBadMergeValuesAreRefusedWithTheirPosition() {
    assertThat(errors("jobs: &j\n  a:\n    <<: *j\n"))
        .isEqualTo(
            """
            wf.yml:3:9: error: alias '*j' refers to a collection that contains it
              hint: a workflow cannot be recursive; copy the values instead""");
    assertThat(
            errors(
                """
                x: &name ubuntu
                jobs:
                  a:
                    <<: *name
                    runs-on: x
                    steps:
                      - <<: [1]
                        run: echo
                """))
        .isEqualTo(
            """
            wf.yml:4:9: error: a merge key ('<<') needs a mapping or a list of mappings, \
            not an alias of scalar
              hint: write '<<: *anchor' where '&anchor' names a mapping
            wf.yml:7:14: error: a merge key ('<<') needs a mapping or a list of mappings, \
            not a scalar
              hint: write '<<: *anchor' where '&anchor' names a mapping""");
  }

  @Test
  void expressionInQuotedOrFoldedScalarIsFoundByItsOwnText() {
    assertThat(
            errors(
                """
                jobs:
                  a:
                    runs-on: x
                    steps:
                      - run: "printf 'a\\tb' ${{ x( }}"
                      - run: >
                          folded line
                          then ${{ y( }}
                      - run: "tab\\there\\n${{ z( }}"
                """))
        .isEqualTo(
            """
            wf.yml:5:33: error: invalid expression: unrecognized function: 'x'
            wf.yml:8:20: error: invalid expression: unrecognized function: 'y'
            wf.yml:9:30: error: invalid expression: unrecognized function: 'z'""");
  }

  @Test
  void emptyIncludeAndExcludeEntriesAreRefusedLikeGitHub() {
    assertThat(
            errors(
                """
                on: push
                jobs:
                  a:
                    runs-on: x
                    strategy:
                      matrix:
                        os: [linux]
                        include: [{}]
                        exclude:
                          - {}
                    steps:
                      - run: echo
                """))
        .isEqualTo(
            """
            wf.yml:8:19: error: an entry of 'strategy.matrix.include' is empty
              hint: give it at least one key
            wf.yml:10:13: error: an entry of 'strategy.matrix.exclude' is empty
              hint: give it at least one key""");
  }
}
