package dev.pipewright.pipeline.orchestrator;

import dev.pipewright.expressions.EvalContext;
import dev.pipewright.expressions.Expression;
import dev.pipewright.expressions.ExpressionException;
import dev.pipewright.expressions.Template;
import dev.pipewright.parser.spec.JobSpec;
import dev.pipewright.parser.spec.StrategySpec;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Renders {@code ${{ }}} in job and step names with what is known when their rows are written: the
 * build's contexts, the instance's {@code matrix} and {@code strategy} (and {@code needs} for a
 * dynamic matrix). A name reading anything else ({@code steps}, {@code env}, {@code needs} before
 * they ran...) keeps its raw text: an empty rendering would lie, the raw one at least shows intent.
 */
final class PlanNames {
  private PlanNames() {}

  /**
   * The contexts of one instance.
   *
   * @param matrix null for the placeholder of a dynamic matrix (its cells are not known yet)
   * @param index 0-based position of the instance among its job's, {@code total} of them
   */
  static Map<String, Object> contexts(
      Map<String, Object> buildContexts,
      JobSpec job,
      Map<String, Object> matrix,
      int index,
      int total) {
    Map<String, Object> contexts = new LinkedHashMap<>(buildContexts);
    if (matrix == null) {
      return contexts;
    }
    StrategySpec strategy = job.strategy();
    Map<String, Object> values = new LinkedHashMap<>();
    values.put("fail-fast", strategy == null || strategy.failFast());
    values.put("job-index", index);
    values.put("job-total", total);
    values.put(
        "max-parallel",
        strategy == null || strategy.maxParallel() == null ? total : strategy.maxParallel());
    contexts.put("matrix", matrix);
    contexts.put("strategy", values);
    return contexts;
  }

  /**
   * {@code name} rendered, or {@code fallback} when it cannot be rendered from {@code contexts}.
   */
  static String render(String name, Map<String, Object> contexts, String fallback) {
    if (name == null || !name.contains("${{")) {
      return fallback;
    }
    try {
      Template template = Template.parse(name);
      for (Expression expression : template.expressions()) {
        if (!contexts.keySet().containsAll(expression.contexts())) {
          return fallback;
        }
      }
      return template.render(EvalContext.builder().contexts(contexts).build());
    } catch (ExpressionException e) {
      return fallback;
    }
  }
}
