package dev.pipewright.executor;

import dev.pipewright.models.Conclusion;
import java.util.Map;

/**
 * What a job sees of one job it {@code needs}: {@code needs.<id>.result} and {@code
 * needs.<id>.outputs}. For a matrix job, the orchestrator merges its instances' outputs (GitHub
 * keeps the last written value) and gives the aggregate result.
 */
public record NeedResult(Conclusion result, Map<String, String> outputs) {
  public NeedResult {
    outputs = Map.copyOf(outputs);
  }

  /**
   * {@code needs.<id>} as expressions read it: {@code result} in GitHub's spelling, {@code
   * outputs}.
   */
  public Map<String, Object> context() {
    return Map.of("result", result.text(), "outputs", outputs);
  }
}
