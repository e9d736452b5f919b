package dev.pipewright.dag;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.pipewright.models.CiException;
import dev.pipewright.models.ErrorCode;
import dev.pipewright.parser.Diagnostic;
import dev.pipewright.parser.WorkflowException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Expansion of {@code jobs.<id>.uses} as GitHub's "Reusing workflows" describes it
 * (docs.github.com/en/actions/how-tos/reuse-automations/reuse-workflows and
 * reference/workflows-and-actions/reusable-workflows): called jobs shown as {@code caller / job}, a
 * matrix over a call, nesting up to ten levels of workflows, inputs and secrets checked against
 * {@code on.workflow_call}.
 */
class CallExpanderTest {
  private static final String CALLED =
      """
      on:
        workflow_call:
          inputs:
            target:
              type: string
              required: true
            fast:
              type: boolean
          secrets:
            token:
              required: true
          outputs:
            artifact:
              value: ${{ jobs.build.outputs.file }}
      jobs:
        build:
          runs-on: ubuntu-latest
          outputs:
            file: ${{ steps.b.outputs.file }}
          steps:
            - id: b
              run: echo "file=${{ inputs.target }}.tar" >> "$GITHUB_OUTPUT"
        test:
          needs: build
          runs-on: ubuntu-latest
          steps:
            - run: echo test
      """;

  private final Map<String, String> files = new HashMap<>();

  private LoadedWorkflow load(String yaml) {
    return Workflows.load(yaml, ".github/workflows/ci.yml", this::read);
  }

  private String read(WorkflowRef ref) {
    String text = files.get(ref.toString());
    if (text == null) {
      throw new CiException(ErrorCode.NOT_FOUND, "no file " + ref);
    }
    return text;
  }

  private List<String> errors(String yaml) {
    WorkflowException e = catchThrowableOfType(WorkflowException.class, () -> load(yaml));
    assertThat(e).as("expected the workflow to be rejected").isNotNull();
    return e.diagnostics().stream().map(Diagnostic::format).toList();
  }

  @Test
  void aCallUnderAMatrixBecomesOneCopyOfTheCalledJobsPerCell() {
    files.put(".github/workflows/build.yml", CALLED);
    LoadedWorkflow loaded =
        load(
            """
            on: push
            jobs:
              setup:
                runs-on: ubuntu-latest
                steps:
                  - run: echo
              call:
                needs: setup
                if: github.ref == 'refs/heads/main'
                strategy:
                  matrix:
                    target: [linux, mac]
                uses: ./.github/workflows/build.yml
                with:
                  target: ${{ matrix.target }}
                secrets: inherit
              after:
                needs: call
                runs-on: ubuntu-latest
                steps:
                  - run: echo ${{ needs.call.outputs.artifact }}
            """);

    assertThat(loaded.plan().jobs().stream().map(PlannedJob::id))
        .containsExactly(
            "setup", "call", "call.1.build", "call.1.test", "call.2.build", "call.2.test", "after");
    assertThat(loaded.plan().job("call").needs())
        .containsExactly("setup", "call.1.build", "call.1.test", "call.2.build", "call.2.test");
    assertThat(loaded.plan().job("call").instances().stream().map(JobInstance::key))
        .containsExactly("call.1", "call.2");
    assertThat(loaded.plan().job("call.2.test").name()).isEqualTo("call (mac) / test");
    assertThat(loaded.plan().job("call.2.test").needs()).containsExactly("call.2.build");
    assertThat(loaded.plan().batches())
        .containsExactly(
            List.of("setup"),
            List.of("call.1.build", "call.2.build"),
            List.of("call.1.test", "call.2.test"),
            List.of("call"),
            List.of("after"));

    PlacedJob build = loaded.placed("call.1.build");
    assertThat(build.after()).containsExactly("setup");
    assertThat(build.gates())
        .containsExactly(new Gate("github.ref == 'refs/heads/main'", List.of("setup")));
    assertThat(build.workflow().path()).isEqualTo(".github/workflows/build.yml");
    assertThat(build.call().matrix()).containsEntry("target", "linux");
    assertThat(loaded.placed("call.1.test").after()).isEmpty();
    assertThat(loaded.placed("call").caller()).isTrue();
    assertThat(loaded.call("call.2").name()).isEqualTo("call (mac)");
  }

  @Test
  void aWorkflowWithoutCallsIsPlannedAsBefore() {
    String yaml =
        """
        on: push
        jobs:
          a:
            runs-on: ubuntu-latest
            steps:
              - run: echo
        """;
    assertThat(load(yaml)).isEqualTo(Workflows.load(yaml, ".github/workflows/ci.yml"));
  }

  @Test
  void nestedCallsPrefixEveryLevel() {
    files.put(
        ".github/workflows/outer.yml",
        """
        on: workflow_call
        jobs:
          inner:
            uses: ./.github/workflows/inner.yml
        """);
    files.put(
        ".github/workflows/inner.yml",
        """
        on: workflow_call
        jobs:
          leaf:
            name: Leaf
            runs-on: ubuntu-latest
            steps:
              - run: echo
        """);
    LoadedWorkflow loaded =
        load(
            """
            on: push
            jobs:
              top:
                uses: ./.github/workflows/outer.yml
            """);
    assertThat(loaded.plan().job("top.inner.leaf").name()).isEqualTo("top / inner / Leaf");
    assertThat(loaded.placed("top.inner.leaf").call().parent().key()).isEqualTo("top");
    assertThat(loaded.placed("top.inner.leaf").gates()).hasSize(2);
  }

  @Test
  void aCycleOfCallsIsRefusedWithItsChain() {
    files.put(
        ".github/workflows/a.yml",
        """
        on: workflow_call
        jobs:
          to-b:
            uses: ./.github/workflows/b.yml
        """);
    files.put(
        ".github/workflows/b.yml",
        """
        on: workflow_call
        jobs:
          to-a:
            uses: ./.github/workflows/a.yml
        """);
    assertThat(
            errors(
                """
                on: push
                jobs:
                  start:
                    uses: ./.github/workflows/a.yml
                """))
        .containsExactly(
            ".github/workflows/b.yml:3:3: error: reusable workflows call each other in a cycle:"
                + " .github/workflows/ci.yml → .github/workflows/a.yml → .github/workflows/b.yml →"
                + " .github/workflows/a.yml\n"
                + "  hint: a workflow cannot call itself, directly or through others");
  }

  /** GitHub: "the top-level caller workflow and up to nine levels of reusable workflows". */
  @Test
  void callsNestAtMostTenLevelsOfWorkflows() {
    for (int level = 2; level <= 11; level++) {
      files.put(
          ".github/workflows/l" + level + ".yml",
          """
          on: workflow_call
          jobs:
            next:
              uses: ./.github/workflows/l%d.yml
          """
              .formatted(level + 1));
    }
    String leaf =
        """
        on: workflow_call
        jobs:
          leaf:
            runs-on: ubuntu-latest
            steps:
              - run: echo
        """;
    files.put(".github/workflows/l10.yml", leaf);
    String top =
        """
        on: push
        jobs:
          first:
            uses: ./.github/workflows/l2.yml
        """;
    assertThat(load(top).plan().jobs()).hasSize(10);

    files.put(
        ".github/workflows/l10.yml", files.get(".github/workflows/l9.yml").replace("10", "11"));
    files.put(".github/workflows/l11.yml", leaf);
    List<String> errors = errors(top);
    assertThat(errors).hasSize(1);
    assertThat(errors.getFirst())
        .startsWith(
            ".github/workflows/l10.yml:3:3: error: reusable workflows nest more than 10 levels:"
                + " .github/workflows/ci.yml → .github/workflows/l2.yml →")
        .contains("→ .github/workflows/l11.yml\n");
  }

  @Test
  void inputsAndSecretsAreCheckedAgainstTheCalledWorkflow() {
    files.put(".github/workflows/build.yml", CALLED);
    assertThat(
            errors(
                """
                on: push
                jobs:
                  call:
                    uses: ./.github/workflows/build.yml
                    with:
                      fast: "yes"
                      targt: linux
                    secrets:
                      tokn: x
                """))
        .containsExactly(
            ".github/workflows/ci.yml:3:3: error: 'with.fast': .github/workflows/build.yml:"
                + " input 'fast' is a boolean, not the string 'yes'",
            ".github/workflows/ci.yml:3:3: error: 'with.targt': .github/workflows/build.yml has"
                + " no input 'targt'\n"
                + "  hint: did you mean 'target'?",
            ".github/workflows/ci.yml:3:3: error: .github/workflows/build.yml requires input"
                + " 'target'\n"
                + "  hint: add it to the 'with:' of job 'call'",
            ".github/workflows/ci.yml:3:3: error: 'secrets.tokn': .github/workflows/build.yml has"
                + " no secret 'tokn'\n"
                + "  hint: did you mean 'token'?",
            ".github/workflows/ci.yml:3:3: error: .github/workflows/build.yml requires secret"
                + " 'token'");
  }

  @Test
  void aCalledFileThatDoesNotParseIsReportedAtItsOwnPosition() {
    files.put(".github/workflows/broken.yml", "on: workflow_call\njobs:\n  a: [unclosed\n");
    List<String> errors =
        errors(
            """
            on: push
            jobs:
              call:
                uses: ./.github/workflows/broken.yml
            """);
    assertThat(errors).hasSize(1);
    assertThat(errors.getFirst())
        .startsWith(".github/workflows/broken.yml:4:1: error: YAML syntax");
  }

  @Test
  void aMissingOrNotReusableWorkflowIsRefusedAtTheCaller() {
    files.put(
        ".github/workflows/push.yml",
        "on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n      - run: echo\n");
    assertThat(
            errors(
                """
                on: push
                jobs:
                  missing:
                    uses: ./.github/workflows/nope.yml
                  plain:
                    uses: ./.github/workflows/push.yml
                """))
        .containsExactly(
            ".github/workflows/ci.yml:3:3: error: cannot find the called workflow"
                + " .github/workflows/nope.yml: no file .github/workflows/nope.yml",
            ".github/workflows/ci.yml:5:3: error: .github/workflows/push.yml is not a reusable"
                + " workflow: its 'on' has no 'workflow_call'\n"
                + "  hint: add 'on: workflow_call' to .github/workflows/push.yml");
  }

  @Test
  void aFetchFailureStaysRetryable() {
    CiException e =
        catchThrowableOfType(
            CiException.class,
            () ->
                Workflows.load(
                    """
                    on: push
                    jobs:
                      call:
                        uses: octo/tools/.github/workflows/x.yml@v1
                    """,
                    "ci.yml",
                    ref -> {
                      throw new CiException(ErrorCode.TRANSIENT, "fetching v1 failed");
                    }));
    assertThat(e.code()).isEqualTo(ErrorCode.TRANSIENT);
  }

  @Test
  void aLocalCallInsideARemoteWorkflowNamesAFileOfThatRepository() {
    WorkflowRef remote = WorkflowRef.of("octo/tools/.github/workflows/x.yml@v1", null);
    assertThat(remote).isEqualTo(new WorkflowRef("octo/tools", ".github/workflows/x.yml", "v1"));
    assertThat(WorkflowRef.of("./.github/workflows/y.yml", remote).toString())
        .isEqualTo("octo/tools/.github/workflows/y.yml@v1");
  }
}
