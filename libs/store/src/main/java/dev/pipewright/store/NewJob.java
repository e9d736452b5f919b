package dev.pipewright.store;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A job instance of a plan. {@code key} is unique in the build (the workflow job id, or {@code
 * <id>.<n>} for a matrix instance), {@code jobId} the workflow job id, {@code needs} the workflow
 * job ids it waits for, {@code matrix} (nullable) the instance's matrix values.
 */
public record NewJob(
    String key,
    String jobId,
    String name,
    Map<String, Object> matrix,
    List<String> needs,
    List<NewStep> steps) {

  public NewJob {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(jobId, "jobId");
    name = name == null ? jobId : name;
    // Matrix values may be null in YAML, which Map.copyOf refuses.
    matrix = matrix == null ? null : Collections.unmodifiableMap(new LinkedHashMap<>(matrix));
    needs = needs == null ? List.of() : List.copyOf(needs);
    steps = steps == null ? List.of() : List.copyOf(steps);
  }
}
