package dev.pipewright.dag;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One runnable copy of a job: the job itself, or one combination of its matrix.
 *
 * @param key the job id when the job has no matrix, else {@code <id>.<n>} with n 1-based in
 *     expansion order; stable for a given workflow text, so it can name rows and Kubernetes Jobs
 * @param name what people see, e.g. {@code test (ubuntu-latest, 18)}
 * @param matrix the combination ({@code matrix.*} values); empty without a matrix
 */
public record JobInstance(String key, String name, Map<String, Object> matrix) {
  public JobInstance {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(name, "name");
    // Keeps the axis order of the workflow (Map.copyOf would not) for names and JSON.
    matrix =
        matrix == null || matrix.isEmpty()
            ? Map.of()
            : Collections.unmodifiableMap(new LinkedHashMap<>(matrix));
  }
}
