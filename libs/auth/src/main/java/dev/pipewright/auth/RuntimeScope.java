package dev.pipewright.auth;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * What an {@code ACTIONS_RUNTIME_TOKEN} allows: the artifacts of one build, for one of its jobs,
 * and the caches of one repository as seen from one ref, until it expires.
 *
 * @param repository {@code owner/name}, or empty when the build has none
 * @param ref the build's ref ({@code refs/heads/main}), or empty when it has none: the cache scope
 *     it writes to
 */
public record RuntimeScope(
    UUID buildId, String jobKey, String repository, String ref, Instant expiresAt) {
  public RuntimeScope {
    Objects.requireNonNull(buildId, "buildId");
    Objects.requireNonNull(jobKey, "jobKey");
    Objects.requireNonNull(repository, "repository");
    Objects.requireNonNull(ref, "ref");
    Objects.requireNonNull(expiresAt, "expiresAt");
    if (jobKey.isEmpty()) {
      throw new IllegalArgumentException("a runtime token names its job");
    }
  }

  /** The toolkit's {@code workflowRunBackendId}: the build id. */
  public String runBackendId() {
    return buildId.toString();
  }

  /**
   * The toolkit's {@code workflowJobRunBackendId}: a UUID derived from build and job, since the
   * toolkit splits its scope on {@code :} and a job key may hold any character.
   */
  public String jobBackendId() {
    return jobBackendId(buildId, jobKey);
  }

  /** The {@code workflowJobRunBackendId} of job {@code jobKey} of {@code build}. */
  public static String jobBackendId(UUID build, String jobKey) {
    return UUID.nameUUIDFromBytes((build + "/" + jobKey).getBytes(StandardCharsets.UTF_8))
        .toString();
  }
}
