package dev.pipewright.executor;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code strategy} context of one job instance. A job without a matrix is instance 0 of 1.
 *
 * @param jobIndex 0-based index of this instance among the job's matrix instances
 * @param maxParallel null when unbounded
 */
public record StrategyContext(boolean failFast, int jobIndex, int jobTotal, Integer maxParallel) {
  public static final StrategyContext SINGLE = new StrategyContext(true, 0, 1, null);

  /** As the expression language reads it ({@code strategy.job-index}...). */
  public Map<String, Object> toContext() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("fail-fast", failFast);
    m.put("job-index", jobIndex);
    m.put("job-total", jobTotal);
    m.put("max-parallel", maxParallel == null ? jobTotal : maxParallel);
    return m;
  }
}
