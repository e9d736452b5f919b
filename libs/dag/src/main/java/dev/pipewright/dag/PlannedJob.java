package dev.pipewright.dag;

import java.util.List;
import java.util.Objects;

/**
 * A workflow job as planned.
 *
 * @param name the display name ({@code name:} or the id)
 * @param needs the job ids it waits for, as written
 * @param instances what actually runs; {@code null} when the matrix is a {@code ${{ }}} expression
 *     that only the run can evaluate
 */
public record PlannedJob(String id, String name, List<String> needs, List<JobInstance> instances) {
  public PlannedJob {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(name, "name");
    needs = needs == null ? List.of() : List.copyOf(needs);
    instances = instances == null ? null : List.copyOf(instances);
  }

  /** Whether the instances are only known at run time. */
  public boolean dynamic() {
    return instances == null;
  }
}
