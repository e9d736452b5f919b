package dev.pipewright.pipeline.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pipewright.auth.RuntimeScope;
import dev.pipewright.auth.RuntimeTokens;
import dev.pipewright.executor.JobRef;
import dev.pipewright.executor.RepositoryRef;
import dev.pipewright.executor.RuntimeServices;
import dev.pipewright.secrets.SecretKeys;
import dev.pipewright.secrets.Signer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The worker's runtime tokens are what the entry API checks, for the job's build and ref. */
class RuntimeTokenIssuerTest {
  static final SecretKeys KEYS = SecretKeys.parse(SecretKeys.newKeyLine("k1"), "f");

  @Test
  void aJobsTokenIsScopedToItsBuildJobRepositoryAndRef() {
    UUID build = UUID.randomUUID();
    RuntimeServices services =
        RuntimeTokenIssuer.of(KEYS, "http://api:8080")
            .forJob(
                new JobRef(build.toString(), "test.2"),
                new RepositoryRef(
                    "https://git.example/acme/app.git", null, "refs/heads/dev", null));

    RuntimeScope scope =
        new RuntimeTokens(Signer.of(KEYS, RuntimeTokens.PURPOSE), Clock.systemUTC())
            .check(services.token());
    assertThat(scope.buildId()).isEqualTo(build);
    assertThat(scope.jobKey()).isEqualTo("test.2");
    assertThat(scope.repository()).isEqualTo("acme/app");
    assertThat(scope.ref()).isEqualTo("refs/heads/dev");
    // GitHub's 6 h job limit and the cancel grace, not more.
    assertThat(scope.expiresAt())
        .isBetween(
            Instant.now().plus(Duration.ofHours(6)),
            Instant.now().plus(Duration.ofHours(6).plusMinutes(11)));
    assertThat(services.env()).containsEntry("ACTIONS_RESULTS_URL", "http://api:8080/");
  }

  @Test
  void anotherKeyFilesTokensAreRefusedAndAnEmptyUrlIsAnError() {
    String token =
        RuntimeTokenIssuer.of(KEYS, "http://api")
            .forJob(
                new JobRef(UUID.randomUUID().toString(), "b"),
                new RepositoryRef(null, "acme/app", null, null))
            .token();
    SecretKeys other = SecretKeys.parse(SecretKeys.newKeyLine("k1"), "f");
    assertThatThrownBy(
            () ->
                new RuntimeTokens(Signer.of(other, RuntimeTokens.PURPOSE), Clock.systemUTC())
                    .check(token))
        .isInstanceOf(RuntimeTokens.InvalidRuntimeToken.class);
    assertThatThrownBy(() -> RuntimeTokenIssuer.of(KEYS, " ")).hasMessageContaining("results URL");
  }
}
