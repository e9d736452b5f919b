package dev.pipewright.pipeline.orchestrator;

import dev.pipewright.expressions.Condition;
import dev.pipewright.expressions.EvalContext;
import dev.pipewright.expressions.JobState;
import dev.pipewright.pipeline.reconcile.ConditionEvaluator;
import dev.pipewright.pipeline.reconcile.JobConditionContext;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Job-level expressions through the expression library, with the build's {@code github}, {@code
 * vars} and {@code inputs} contexts and the {@code needs} and {@code matrix} of the job at hand.
 */
public final class ExpressionConditions implements ConditionEvaluator {
  private final Map<String, Object> buildContexts;

  /**
   * @param buildContexts top-level contexts that do not depend on the job (github, vars...)
   */
  public ExpressionConditions(Map<String, Object> buildContexts) {
    this.buildContexts = Map.copyOf(buildContexts);
  }

  @Override
  public boolean test(String expression, JobConditionContext context) {
    return Condition.parse(expression).test(evalContext(buildContexts, context));
  }

  static EvalContext evalContext(Map<String, Object> buildContexts, JobConditionContext context) {
    return EvalContext.builder()
        .contexts(contexts(buildContexts, context))
        .jobState(new JobState(context.failure(), context.cancelled()))
        .build();
  }

  /** {@code buildContexts} with the job's {@code needs} and {@code matrix}. */
  static Map<String, Object> contexts(
      Map<String, Object> buildContexts, JobConditionContext context) {
    Map<String, Object> needs = new LinkedHashMap<>();
    context.needs().forEach((id, need) -> needs.put(id, need.context()));
    Map<String, Object> contexts = new LinkedHashMap<>(buildContexts);
    contexts.put("needs", needs);
    contexts.put("matrix", context.matrix());
    return contexts;
  }
}
