package dev.pipewright.store;

import dev.pipewright.models.BuildStatus;
import dev.pipewright.models.ErrorCode;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A build as stored. {@code jobs} are in plan order, each with its steps; listings leave {@code
 * jobs} empty. {@code variables} give a secret one's name only (flagged secret, value empty);
 * {@code sealedSecrets} hold their sealed values by name until the build finishes, which only
 * {@link BuildRepository#openSecrets} opens. {@code attempt} counts the claims of workers; {@code
 * runAttempt} the runs of the build (1, then one more per re-run), GitHub's {@code run_attempt}.
 */
public record BuildView(
    UUID id,
    String pipelineId,
    long number,
    BuildStatus status,
    ErrorCode errorCode,
    String errorMessage,
    String workflowYaml,
    String workflowPath,
    String repositoryUrl,
    String repositoryRef,
    String repositorySha,
    Map<String, Variable> variables,
    Map<String, String> sealedSecrets,
    String idempotencyKey,
    Instant createdAt,
    Instant queuedAt,
    Instant startedAt,
    Instant finishedAt,
    String leaseOwner,
    Instant leaseExpiresAt,
    Instant cancelRequestedAt,
    int attempt,
    int runAttempt,
    List<JobView> jobs) {

  public boolean cancelRequested() {
    return cancelRequestedAt != null;
  }

  /** This build with {@code jobs} in place of its own. */
  public BuildView withJobs(List<JobView> jobs) {
    return new BuildView(
        id,
        pipelineId,
        number,
        status,
        errorCode,
        errorMessage,
        workflowYaml,
        workflowPath,
        repositoryUrl,
        repositoryRef,
        repositorySha,
        variables,
        sealedSecrets,
        idempotencyKey,
        createdAt,
        queuedAt,
        startedAt,
        finishedAt,
        leaseOwner,
        leaseExpiresAt,
        cancelRequestedAt,
        attempt,
        runAttempt,
        jobs);
  }
}
