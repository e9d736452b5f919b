package dev.pipewright.executor;

import java.util.Objects;

/**
 * The deterministic name of one job instance of a build: what {@link JobRunner#status}, {@link
 * JobRunner#cancel} and {@link JobRunner#attach} are keyed on. A runner derives everything it
 * creates (directories, Kubernetes object names) from it, so a restarted worker finds them again.
 *
 * @param buildId the build's id
 * @param jobKey the job id, with {@code .N} (1-based) appended for matrix instances: {@code "test"}
 *     or {@code "test.2"}
 */
public record JobRef(String buildId, String jobKey) {
  public JobRef {
    Objects.requireNonNull(buildId, "buildId");
    Objects.requireNonNull(jobKey, "jobKey");
  }

  @Override
  public String toString() {
    return buildId + "/" + jobKey;
  }
}
