package dev.pipewright.dag;

import dev.pipewright.parser.spec.JobSpec;
import dev.pipewright.parser.spec.MatrixSpec;
import dev.pipewright.parser.spec.RunDefaults;
import dev.pipewright.parser.spec.RunsOn;
import dev.pipewright.parser.spec.SourcePos;
import dev.pipewright.parser.spec.StepSpec;
import dev.pipewright.parser.spec.StrategySpec;
import dev.pipewright.parser.spec.WorkflowSpec;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Hand-built specs, so planner tests do not depend on YAML parsing. */
final class Specs {
  static final String FILE = "ci.yml";

  private Specs() {}

  static JobSpec job(String id, int line, List<String> needs) {
    return job(id, null, line, needs, null);
  }

  static JobSpec job(String id, String name, int line, List<String> needs, MatrixSpec matrix) {
    StepSpec step =
        new StepSpec(
            0,
            null,
            null,
            null,
            "true",
            null,
            Map.of(),
            Map.of(),
            null,
            null,
            null,
            null,
            new SourcePos(FILE, line + 3, 9),
            new SourcePos(FILE, line + 3, 9));
    return new JobSpec(
        id,
        name,
        needs,
        null,
        new RunsOn(List.of("ubuntu-latest"), null, null),
        null,
        Map.of(),
        Map.of(),
        RunDefaults.NONE,
        Map.of(),
        null,
        null,
        matrix == null ? null : new StrategySpec(matrix, true, null),
        null,
        null,
        null,
        null,
        Map.of(),
        null,
        List.of(step),
        new SourcePos(FILE, line, 3),
        Map.of());
  }

  static WorkflowSpec workflow(JobSpec... jobs) {
    Map<String, JobSpec> byId = new LinkedHashMap<>();
    for (JobSpec job : jobs) {
      byId.put(job.id(), job);
    }
    return new WorkflowSpec(
        FILE, "CI", null, Map.of("push", Map.of()), Map.of(), RunDefaults.NONE, null, null, byId);
  }

  static MatrixSpec axes(Map<String, List<Object>> axes) {
    return new MatrixSpec(axes, List.of(), List.of(), null);
  }
}
