package dev.pipewright.bench;

import dev.pipewright.parser.spec.JobSpec;
import dev.pipewright.parser.spec.RunDefaults;
import dev.pipewright.parser.spec.RunsOn;
import dev.pipewright.parser.spec.SourcePos;
import dev.pipewright.parser.spec.StepSpec;
import dev.pipewright.parser.spec.WorkflowSpec;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;

/**
 * Generates a large valid workflow: job {@code i} needs up to {@code needsPerJob} distinct jobs
 * drawn from the {@code window} jobs before it, so the graph is acyclic, wide and reasonably deep.
 */
final class WorkflowGenerator {

  /**
   * The YAML text, the same workflow as spec records (so planning can be measured even where the
   * parser refuses the text), and what it holds, so figures can be reported precisely.
   */
  record Generated(String yaml, WorkflowSpec spec, int jobs, int edges) {}

  private WorkflowGenerator() {}

  static Generated generate(int jobs, int needsPerJob, int window, long seed) {
    Random random = new Random(seed);
    StringBuilder yaml = new StringBuilder(jobs * 96);
    yaml.append("name: generated\non: push\njobs:\n");
    int edges = 0;
    TreeSet<Integer> needs = new TreeSet<>();
    Map<String, JobSpec> specs = LinkedHashMap.newLinkedHashMap(jobs);
    int line = 4;
    for (int i = 0; i < jobs; i++) {
      yaml.append("  ").append(id(i)).append(":\n    runs-on: ubuntu-latest\n");
      needs.clear();
      int wanted = Math.min(needsPerJob, i);
      int lowest = Math.max(0, i - window);
      while (needs.size() < wanted) {
        needs.add(lowest + random.nextInt(i - lowest));
      }
      List<String> needIds = needs.stream().map(WorkflowGenerator::id).toList();
      specs.put(id(i), job(id(i), needIds, i, line));
      line += needs.isEmpty() ? 4 : 5;
      if (!needs.isEmpty()) {
        yaml.append("    needs: [");
        String sep = "";
        for (int need : needs) {
          yaml.append(sep).append(id(need));
          sep = ", ";
        }
        yaml.append("]\n");
        edges += needs.size();
      }
      yaml.append("    steps:\n      - run: echo ").append(i).append('\n');
    }
    WorkflowSpec spec =
        new WorkflowSpec(
            "generated.yml",
            "generated",
            null,
            Map.of("push", Map.of()),
            Map.of(),
            RunDefaults.NONE,
            null,
            null,
            Collections.unmodifiableMap(specs));
    return new Generated(yaml.toString(), spec, jobs, edges);
  }

  private static JobSpec job(String id, List<String> needs, int i, int line) {
    StepSpec step =
        new StepSpec(
            0,
            null,
            null,
            null,
            "echo " + i,
            null,
            Map.of(),
            Map.of(),
            null,
            null,
            null,
            null,
            new SourcePos("generated.yml", line + 3, 9),
            new SourcePos("generated.yml", line + 3, 9));
    return new JobSpec(
        id,
        null,
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
        null,
        null,
        null,
        null,
        null,
        Map.of(),
        null,
        List.of(step),
        new SourcePos("generated.yml", line, 3),
        Map.of());
  }

  static String id(int i) {
    return "job" + i;
  }
}
