package dev.pipewright.parser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.pipewright.parser.spec.ActionSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * action.yml as actions/runner's ActionManifestManager.cs and its schema action_yaml.json read it,
 * with "Metadata syntax for GitHub Actions" (docs.github.com): inputs with description, required
 * and default; outputs (a composite action's need a value); runs.using decides which keys runs
 * takes; a composite run: step needs a shell.
 */
class ActionParserTest {
  private final ActionParser parser = new ActionParser();

  @Test
  void aCompositeActionHasItsInputsOutputsAndSteps() {
    ActionSpec spec =
        parser.parse(
            """
            name: greet
            inputs:
              who:
                description: whom
                required: true
              greeting:
                default: Hello
              quiet:
                required: "false"
            outputs:
              message:
                value: ${{ steps.say.outputs.message }}
            runs:
              using: composite
              steps:
                - id: say
                  shell: bash
                  run: echo hi
                - uses: ./other
                  with: {a: 1}
            """,
            "action.yml");

    assertThat(spec.name()).isEqualTo("greet");
    assertThat(spec.inputs().keySet()).containsExactly("who", "greeting", "quiet");
    assertThat(spec.inputs().get("who").required()).isTrue();
    assertThat(spec.inputs().get("greeting").defaultValue()).isEqualTo("Hello");
    assertThat(spec.inputs().get("greeting").required()).isFalse();
    assertThat(spec.inputs().get("quiet").required()).isFalse();
    assertThat(spec.inputs().get("who").pos().line()).isEqualTo(3);
    assertThat(spec.outputs().get("message").value()).isEqualTo("${{ steps.say.outputs.message }}");
    assertThat(spec.runs().composite()).isTrue();
    assertThat(spec.runs().steps()).hasSize(2);
    assertThat(spec.runs().steps().get(0).shell()).isEqualTo("bash");
    assertThat(spec.runs().steps().get(1).uses()).isEqualTo("./other");
  }

  @Test
  void aJavaScriptActionKeepsItsEntryPoints() {
    ActionSpec spec =
        parser.parse(
            """
            runs:
              using: node20
              main: dist/index.js
              post: dist/post.js
              post-if: success()
            """,
            "action.yml");
    assertThat(spec.runs().composite()).isFalse();
    assertThat(spec.runs().main()).isEqualTo("dist/index.js");
    assertThat(spec.runs().post()).isEqualTo("dist/post.js");
    assertThat(spec.runs().postIf()).isEqualTo("success()");
  }

  /** action_yaml.json's container-runs: image, args, entrypoint, env and the two entry points. */
  @Test
  void aDockerActionKeepsItsContainer() {
    ActionSpec spec =
        parser.parse(
            """
            runs:
              using: docker
              image: docker://alpine:3.20
              entrypoint: /bin/sh
              args: [-c, 'echo ${{ inputs.who }}', 3]
              env: {GREETING: hello, N: 2}
              pre-entrypoint: /setup.sh
              post-entrypoint: /cleanup.sh
            """,
            "action.yml");
    assertThat(spec.runs().docker()).isTrue();
    assertThat(spec.runs().main()).isEqualTo("docker://alpine:3.20");
    assertThat(spec.runs().pre()).isEqualTo("/setup.sh");
    assertThat(spec.runs().post()).isEqualTo("/cleanup.sh");
    assertThat(spec.runs().container())
        .isEqualTo(
            new ActionSpec.Container(
                List.of("-c", "echo ${{ inputs.who }}", "3"),
                "/bin/sh",
                java.util.Map.of("GREETING", "hello", "N", "2")));
    assertThat(
            catchThrowableOfType(
                    WorkflowException.class,
                    () -> parser.parse("runs:\n  using: docker\n  args: [a]\n", "action.yml"))
                .diagnostics()
                .getFirst()
                .brief())
        .isEqualTo("action.yml:2:3: a docker action's 'runs' has no 'image'");
  }

  @Test
  void problemsAreReportedAtTheirPosition() {
    WorkflowException e =
        catchThrowableOfType(
            WorkflowException.class,
            () ->
                parser.parse(
                    """
                    inputs:
                      a: {requird: true}
                    outputs:
                      o: {description: no value}
                    runs:
                      using: composite
                      steps:
                        - run: echo no shell
                        - uses: not a ref
                    """,
                    "x/action.yml"));

    assertThat(e.diagnostics())
        .extracting(Diagnostic::brief)
        .contains(
            "x/action.yml:4:3: output 'o' of a composite action has no 'value'",
            "x/action.yml:8:7: step 1 of the composite action runs a script without a 'shell'",
            "x/action.yml:9:13: invalid action reference 'not a ref'");
    assertThat(e.diagnostics())
        .anySatisfy(
            d -> assertThat(d.brief()).startsWith("x/action.yml:2:7: unknown key 'requird'"));
  }

  @Test
  void anUnknownRunnerOrAMissingRunsIsRefused() {
    List<String> unknown =
        catchThrowableOfType(
                WorkflowException.class,
                () -> parser.parse("runs:\n  using: node12x\n  main: a.js\n", "action.yml"))
            .diagnostics()
            .stream()
            .map(Diagnostic::brief)
            .toList();
    assertThat(unknown).containsExactly("action.yml:2:10: unknown 'runs.using' value 'node12x'");
    assertThat(
            catchThrowableOfType(
                    WorkflowException.class, () -> parser.parse("name: x\n", "action.yml"))
                .diagnostics()
                .getFirst()
                .message())
        .isEqualTo("the action has no 'runs'");
  }
}
