package dev.pipewright.pipeline.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.pipewright.dag.Call;
import dev.pipewright.dag.LoadedWorkflow;
import dev.pipewright.dag.Workflows;
import dev.pipewright.executor.JobResult;
import dev.pipewright.executor.NeedResult;
import dev.pipewright.models.CiException;
import dev.pipewright.models.Conclusion;
import dev.pipewright.models.ErrorCode;
import dev.pipewright.models.JobStatus;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The inputs, secrets and outputs of a call, as GitHub's "Passing inputs and secrets to a reusable
 * workflow" and "Using outputs from a reusable workflow" describe them.
 */
class CallContextsTest {
  private static final String CALLED =
      """
      on:
        workflow_call:
          inputs:
            flag:
              type: boolean
            level:
              type: number
              default: 2
            label:
              type: string
          secrets:
            token:
          outputs:
            both:
              value: ${{ jobs.a.outputs.x }}-${{ jobs.b.result }}
      jobs:
        a:
          runs-on: local
          steps:
            - run: echo
        b:
          runs-on: local
          steps:
            - run: echo
      """;

  private static final Map<String, Object> BUILD =
      Map.of("github", Map.of("ref", "refs/heads/main"), "vars", Map.of(), "inputs", Map.of());

  private final Map<String, NeedResult> results =
      new HashMap<>(
          Map.of("setup", new NeedResult(Conclusion.SUCCESS, Map.of("name", "from-setup"))));

  private static Call call(String with, String secrets) {
    LoadedWorkflow loaded =
        Workflows.load(
            """
            on: push
            jobs:
              setup:
                runs-on: local
                steps:
                  - run: echo
              call:
                needs: setup
                strategy:
                  matrix:
                    flag: [true]
                uses: ./c.yml
                with: %s
                secrets: %s
            """
                .formatted(with, secrets),
            "ci.yml",
            ref -> CALLED);
    return loaded.call("call.1");
  }

  private CallContexts contexts() {
    return new CallContexts(BUILD, Map.of("DEPLOY", "d", "OTHER", "o"), results::get);
  }

  @Test
  void inputsComeFromWithDefaultsOrTheirTypesZeroAndExpressionsReadTheCallersContexts() {
    results.put("setup", new NeedResult(Conclusion.SUCCESS, Map.of("name", "from-setup")));
    Call call =
        call("{flag: '${{ matrix.flag }}', label: '${{ needs.setup.outputs.name }}'}", "{}");

    assertThat(contexts().inputs(call))
        .containsExactly(
            Map.entry("flag", true), Map.entry("level", 2L), Map.entry("label", "from-setup"));
    assertThat(contexts().inputs(call("{}", "{}")))
        .containsExactly(Map.entry("flag", false), Map.entry("level", 2L), Map.entry("label", ""));
  }

  @Test
  void anExpressionOfTheWrongTypeFailsWhenItIsEvaluated() {
    Call call = call("{flag: '${{ github.ref }}'}", "{}");

    CiException e = catchThrowableOfType(CiException.class, () -> contexts().inputs(call));

    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_SPEC);
    assertThat(e.getMessage())
        .isEqualTo(
            "job call.1 calling ./c.yml: 'with.flag': input 'flag' is a boolean, not the string"
                + " 'refs/heads/main'");
  }

  @Test
  void secretsArePassedByNameOrAllInherited() {
    assertThat(contexts().secrets(call("{}", "{token: '${{ secrets.DEPLOY }}'}")))
        .containsExactly(Map.entry("token", "d"));
    assertThat(contexts().secrets(call("{}", "inherit")))
        .isEqualTo(Map.of("DEPLOY", "d", "OTHER", "o"));
    assertThat(contexts().secrets(call("{}", "{}"))).isEmpty();
  }

  @Test
  void theCallSucceedsWithItsOutputsOrFailsWithItsFailedJobs() {
    Call call = call("{}", "{}");
    results.put("call.1.a", new NeedResult(Conclusion.SUCCESS, Map.of("x", "built")));
    results.put("call.1.b", new NeedResult(Conclusion.SUCCESS, Map.of()));

    assertThat(CallResults.of(call, results::get, BUILD))
        .isEqualTo(new JobResult(JobStatus.SUCCEEDED, Map.of("both", "built-success"), null, null));

    results.put("call.1.b", new NeedResult(Conclusion.FAILURE, Map.of()));
    assertThat(CallResults.of(call, results::get, BUILD))
        .isEqualTo(
            new JobResult(
                JobStatus.FAILED, Map.of(), ErrorCode.PERMANENT, "./c.yml: job b failed"));
  }
}
