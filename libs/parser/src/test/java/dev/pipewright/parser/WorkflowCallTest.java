package dev.pipewright.parser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.pipewright.parser.spec.WorkflowCall;
import dev.pipewright.parser.spec.WorkflowSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code on: workflow_call} as GitHub's workflow syntax documents it
 * (https://docs.github.com/en/actions/reference/workflows-and-actions/workflow-syntax,
 * "on.workflow_call.inputs", ".secrets", ".outputs") and the keys a calling job may not use
 * ("Supported keywords for jobs that call a reusable workflow", reusable-workflows-reference).
 */
class WorkflowCallTest {
  private static WorkflowSpec parse(String yaml) {
    return new WorkflowParser().parse(yaml, "called.yml");
  }

  private static List<String> errors(String yaml) {
    WorkflowException e = catchThrowableOfType(WorkflowException.class, () -> parse(yaml));
    assertThat(e).as("expected the workflow to be rejected").isNotNull();
    return e.diagnostics().stream().map(Diagnostic::format).toList();
  }

  @Test
  void readsTypedInputsSecretsAndOutputs() {
    WorkflowSpec spec =
        parse(
            """
            on:
              workflow_call:
                inputs:
                  flag:
                    type: boolean
                  count:
                    type: number
                    default: 3
                  name:
                    type: string
                    required: true
                secrets:
                  token:
                    required: true
                  optional:
                outputs:
                  greeting:
                    description: what the job said
                    value: ${{ jobs.hello.outputs.said }}
            jobs:
              hello:
                runs-on: ubuntu-latest
                steps:
                  - run: echo hi
            """);

    WorkflowCall call = spec.call();
    assertThat(call.inputs()).containsOnlyKeys("flag", "count", "name");
    assertThat(call.inputs().get("flag").type()).isEqualTo(WorkflowCall.Type.BOOLEAN);
    assertThat(call.inputs().get("count").defaultValue()).isEqualTo(3L);
    assertThat(call.inputs().get("name").required()).isTrue();
    assertThat(call.secrets().get("token").required()).isTrue();
    assertThat(call.secrets().get("optional").required()).isFalse();
    assertThat(call.outputs().get("greeting").value()).isEqualTo("${{ jobs.hello.outputs.said }}");
    assertThat(call.outputs().get("greeting").pos().toString()).isEqualTo("called.yml:18:9");
  }

  @Test
  void aWorkflowWithoutWorkflowCallCannotBeCalled() {
    String jobs =
        """
        jobs:
          a:
            runs-on: ubuntu-latest
            steps:
              - run: echo
        """;
    assertThat(parse("on: push\n" + jobs).call()).isNull();
    assertThat(parse("on: [push, workflow_call]\n" + jobs).call().inputs()).isEmpty();
  }

  @Test
  void refusesInputsWithoutATypeOrWithAWrongDefault() {
    assertThat(
            errors(
                """
                on:
                  workflow_call:
                    inputs:
                      a:
                        required: true
                      b:
                        type: text
                      c:
                        type: boolean
                        default: yes
                      d:
                        type: number
                        default: ten
                    outputs:
                      o:
                        description: no value
                jobs:
                  j:
                    runs-on: ubuntu-latest
                    steps:
                      - run: echo
                """))
        .containsExactly(
            "called.yml:5:9: error: input 'a' is missing 'type'\n"
                + "  hint: one of boolean, number, string",
            "called.yml:7:15: error: input 'b' has unknown type 'text'\n"
                + "  hint: one of boolean, number, string",
            "called.yml:10:18: error: the default of input 'c' is a boolean, not the string"
                + " 'yes'",
            "called.yml:13:18: error: the default of input 'd' is a number, not the string 'ten'",
            "called.yml:16:9: error: output 'o' is missing 'value'\n"
                + "  hint: e.g. 'value: ${{ jobs.<job_id>.outputs.<output_name> }}'");
  }

  @Test
  void aCallingJobMayNotRunStepsItself() {
    assertThat(
            errors(
                """
                on: push
                jobs:
                  call:
                    uses: ./.github/workflows/called.yml
                    runs-on: ubuntu-latest
                    steps:
                      - run: echo
                """))
        .containsExactly(
            "called.yml:5:5: error: 'runs-on' cannot be used in job 'call', which calls a"
                + " reusable workflow\n"
                + "  hint: a job with 'uses' runs the called workflow's jobs; move 'runs-on' there",
            "called.yml:6:5: error: 'steps' cannot be used in job 'call', which calls a reusable"
                + " workflow\n"
                + "  hint: a job with 'uses' runs the called workflow's jobs; move 'steps' there");
  }
}
