package dev.pipewright.pipeline.orchestrator;

import dev.pipewright.dag.Call;
import dev.pipewright.executor.JobResult;
import dev.pipewright.executor.NeedResult;
import dev.pipewright.expressions.EvalContext;
import dev.pipewright.expressions.Template;
import dev.pipewright.expressions.Values;
import dev.pipewright.models.CiException;
import dev.pipewright.models.ErrorCode;
import dev.pipewright.models.JobStatus;
import dev.pipewright.parser.spec.WorkflowCall;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * The {@code inputs} and {@code secrets} a called workflow's jobs see, from their caller's {@code
 * with:} and {@code secrets:} ("Passing inputs and secrets to a reusable workflow"). The caller's
 * values are evaluated in the caller's own contexts: its workflow's inputs and secrets, its matrix
 * cell, its needs, {@code github} and {@code vars}. Pure.
 */
final class CallContexts {
  private final Map<String, Object> buildContexts;
  private final Map<String, String> buildSecrets;
  private final Function<String, NeedResult> results;

  /**
   * @param buildContexts the build's {@code github}, {@code vars} and {@code inputs}
   * @param buildSecrets the top-level workflow's {@code secrets}
   * @param results {@code needs.<id>} of a job of the build, by its id in the build
   */
  CallContexts(
      Map<String, Object> buildContexts,
      Map<String, String> buildSecrets,
      Function<String, NeedResult> results) {
    this.buildContexts = buildContexts;
    this.buildSecrets = buildSecrets;
    this.results = results;
  }

  /**
   * The called workflow's {@code inputs}: every declared input, from {@code with:}, else its
   * default, else GitHub's zero value of its type.
   *
   * @throws CiException INVALID_SPEC when a value is not of its input's type or cannot be evaluated
   */
  @SuppressWarnings("unchecked")
  Map<String, Object> inputs(Call call) {
    if (call == null) {
      Object inputs = buildContexts.get("inputs");
      return inputs instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }
    EvalContext caller = callerContext(call, false);
    Map<String, Object> with = call.caller().with() == null ? Map.of() : call.caller().with();
    Map<String, Object> inputs = new LinkedHashMap<>();
    for (WorkflowCall.Input input : call.called().call().inputs().values()) {
      boolean given = with.containsKey(input.id());
      Object raw = given ? with.get(input.id()) : input.defaultValue();
      Object value =
          raw == null ? input.type().zero() : evaluate(raw, given ? caller : defaults(), call);
      String refused = input.refuses(value);
      if (refused != null) {
        throw new CiException(
            ErrorCode.INVALID_SPEC, where(call) + ": 'with." + input.id() + "': " + refused);
      }
      inputs.put(input.id(), input.type().coerce(value));
    }
    return inputs;
  }

  /**
   * The called workflow's {@code secrets}: the caller's own with {@code secrets: inherit}, the
   * evaluated map otherwise, none without {@code secrets:}.
   */
  Map<String, String> secrets(Call call) {
    if (call == null) {
      return buildSecrets;
    }
    Object declared = call.caller().secrets();
    if ("inherit".equals(declared)) {
      return secrets(call.parent());
    }
    Map<String, String> secrets = new LinkedHashMap<>();
    if (declared instanceof Map<?, ?> given) {
      EvalContext caller = callerContext(call, true);
      given.forEach(
          (name, value) ->
              secrets.put(
                  String.valueOf(name),
                  Values.toDisplayString(evaluate(String.valueOf(value), caller, call))));
    }
    return secrets;
  }

  /** How the call ends once its called jobs have ({@link CallResults}); its outputs see inputs. */
  JobResult result(Call call) {
    Map<String, Object> contexts = new LinkedHashMap<>(buildContexts);
    try {
      contexts.put("inputs", inputs(call));
    } catch (CiException e) {
      return new JobResult(JobStatus.FAILED, Map.of(), e.code(), e.getMessage());
    }
    return CallResults.of(call, results, contexts);
  }

  /** What the caller's {@code with:} (and with {@code secrets}, its {@code secrets:}) reads. */
  private EvalContext callerContext(Call call, boolean withSecrets) {
    Map<String, Object> contexts = new LinkedHashMap<>(buildContexts);
    contexts.put("inputs", inputs(call.parent()));
    contexts.put("matrix", call.matrix());
    Map<String, Object> needs = new LinkedHashMap<>();
    call.needs().forEach(id -> needs.put(Call.written(id), results.apply(id).context()));
    contexts.put("needs", needs);
    if (withSecrets) {
      contexts.put("secrets", secrets(call.parent()));
    }
    return EvalContext.builder().contexts(contexts).build();
  }

  /** What an input's default may read: {@code github} and {@code vars}. */
  private EvalContext defaults() {
    return EvalContext.builder().contexts(buildContexts).build();
  }

  private static Object evaluate(Object raw, EvalContext context, Call call) {
    if (!(raw instanceof String text) || !text.contains("${{")) {
      return raw;
    }
    try {
      return Template.parse(text).evaluate(context);
    } catch (RuntimeException e) {
      throw new CiException(ErrorCode.INVALID_SPEC, where(call) + ": " + e.getMessage(), e);
    }
  }

  private static String where(Call call) {
    return "job " + call.key() + " calling " + call.caller().uses();
  }
}
