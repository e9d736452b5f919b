package dev.pipewright.pipeline.orchestrator;

import dev.pipewright.dag.PlacedJob;
import dev.pipewright.expressions.EvalContext;
import dev.pipewright.expressions.Template;
import dev.pipewright.models.CiException;
import dev.pipewright.models.ErrorCode;
import dev.pipewright.parser.matrix.MatrixExpander;
import dev.pipewright.parser.spec.JobSpec;
import dev.pipewright.parser.spec.MatrixSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Expands a matrix written as one expression ({@code matrix: ${{ fromJSON(needs.x.outputs.m) }}})
 * once its needs are known. Instance keys follow the planner's: {@code <id>.<n>}, 1-based.
 */
public final class DynamicMatrix {
  private DynamicMatrix() {}

  /**
   * @param contexts the build's contexts and {@code needs}, for the expression and the instances'
   *     names
   * @throws CiException INVALID_SPEC when the expression does not evaluate to a matrix object
   */
  public static List<NewJob> expand(
      PlacedJob placed, List<String> needs, Map<String, Object> contexts) {
    JobSpec job = placed.job();
    EvalContext context = EvalContext.builder().contexts(contexts).build();
    String expression = job.strategy().matrix().expression();
    Object value;
    try {
      value = Template.parse(expression).evaluate(context);
    } catch (RuntimeException e) {
      throw new CiException(
          ErrorCode.INVALID_SPEC, "matrix of job " + job.id() + ": " + e.getMessage(), e);
    }
    MatrixSpec matrix = toSpec(job.id(), value);
    List<Map<String, Object>> cells = MatrixExpander.expand(matrix);
    if (cells.isEmpty()) {
      throw new CiException(
          ErrorCode.INVALID_SPEC, "matrix of job " + job.id() + " expanded to no combination");
    }
    List<NewJob> rows = new ArrayList<>();
    for (int i = 0; i < cells.size(); i++) {
      Map<String, Object> cell = cells.get(i);
      String name = placed.namePrefix() + MatrixExpander.instanceName(job.displayName(), cell);
      Map<String, Object> instance = PlanNames.contexts(contexts, job, cell, i, cells.size());
      rows.add(WorkflowJobs.row(placed, placed.id() + "." + (i + 1), name, cell, needs, instance));
    }
    return rows;
  }

  @SuppressWarnings("unchecked")
  private static MatrixSpec toSpec(String jobId, Object value) {
    if (!(value instanceof Map<?, ?> map)) {
      throw new CiException(
          ErrorCode.INVALID_SPEC,
          "matrix of job " + jobId + " must evaluate to an object, got " + value);
    }
    Map<String, List<Object>> axes = new LinkedHashMap<>();
    List<Map<String, Object>> include = List.of();
    List<Map<String, Object>> exclude = List.of();
    for (Map.Entry<?, ?> e : map.entrySet()) {
      String name = String.valueOf(e.getKey());
      if (!(e.getValue() instanceof List<?> list)) {
        throw new CiException(
            ErrorCode.INVALID_SPEC, "matrix of job " + jobId + ": " + name + " must be a list");
      }
      switch (name) {
        case "include" -> include = (List<Map<String, Object>>) list;
        case "exclude" -> exclude = (List<Map<String, Object>>) list;
        default -> axes.put(name, (List<Object>) list);
      }
    }
    return new MatrixSpec(axes, include, exclude, null);
  }
}
