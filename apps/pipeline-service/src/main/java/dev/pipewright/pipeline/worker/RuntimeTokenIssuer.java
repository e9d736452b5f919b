package dev.pipewright.pipeline.worker;

import dev.pipewright.auth.RuntimeTokens;
import dev.pipewright.executor.JobRef;
import dev.pipewright.executor.JobRun;
import dev.pipewright.executor.RepositoryRef;
import dev.pipewright.executor.RuntimeServices;
import dev.pipewright.pipeline.orchestrator.JobServices;
import dev.pipewright.secrets.SecretKeys;
import dev.pipewright.secrets.Signer;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.UUID;

/**
 * Mints each job's {@code ACTIONS_RUNTIME_TOKEN} on the worker, with the secret key file the entry
 * API checks it with: scoped to the job's build, job key, repository and ref, and living as long as
 * a job may (GitHub's 6 hours) plus the grace its cancelled steps get. A job that is resumed or run
 * again gets a new one.
 */
public final class RuntimeTokenIssuer implements JobServices {
  static final Duration LIFETIME = JobRun.DEFAULT_JOB_TIMEOUT.plus(Duration.ofMinutes(10));

  private final RuntimeTokens tokens;
  private final String url;

  RuntimeTokenIssuer(RuntimeTokens tokens, String url) {
    this.tokens = Objects.requireNonNull(tokens, "tokens");
    if (url.isBlank()) {
      throw new IllegalArgumentException("the results URL jobs reach the entry API at is empty");
    }
    this.url = url;
  }

  /**
   * The issuer of a worker with the secret key file {@code keys}; public for the services' tests.
   */
  public static RuntimeTokenIssuer of(SecretKeys keys, String url) {
    return new RuntimeTokenIssuer(
        new RuntimeTokens(Signer.of(keys, RuntimeTokens.PURPOSE), Clock.systemUTC()), url);
  }

  @Override
  public RuntimeServices forJob(JobRef job, RepositoryRef repository) {
    String token =
        tokens.issue(
            UUID.fromString(job.buildId()),
            job.jobKey(),
            repository.displayName(),
            repository.ref() == null ? "" : repository.ref(),
            LIFETIME);
    return new RuntimeServices(token, url);
  }
}
