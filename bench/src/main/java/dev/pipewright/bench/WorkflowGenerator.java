package dev.pipewright.bench;

import java.util.Random;
import java.util.TreeSet;

/**
 * Generates a large valid workflow: job {@code i} needs up to {@code needsPerJob} distinct jobs
 * drawn from the {@code window} jobs before it, so the graph is acyclic, wide and reasonably deep.
 */
final class WorkflowGenerator {

  /** The YAML text and what it holds, so figures can be reported precisely. */
  record Generated(String yaml, int jobs, int edges) {}

  private WorkflowGenerator() {}

  static Generated generate(int jobs, int needsPerJob, int window, long seed) {
    Random random = new Random(seed);
    StringBuilder yaml = new StringBuilder(jobs * 96);
    yaml.append("name: generated\non: push\njobs:\n");
    int edges = 0;
    TreeSet<Integer> needs = new TreeSet<>();
    for (int i = 0; i < jobs; i++) {
      yaml.append("  ").append(id(i)).append(":\n    runs-on: ubuntu-latest\n");
      needs.clear();
      int wanted = Math.min(needsPerJob, i);
      int lowest = Math.max(0, i - window);
      while (needs.size() < wanted) {
        needs.add(lowest + random.nextInt(i - lowest));
      }
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
    return new Generated(yaml.toString(), jobs, edges);
  }

  static String id(int i) {
    return "job" + i;
  }
}
