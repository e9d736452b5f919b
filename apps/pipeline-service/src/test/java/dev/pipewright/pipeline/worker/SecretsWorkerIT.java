package dev.pipewright.pipeline.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pipewright.models.BuildStatus;
import dev.pipewright.models.ErrorCode;
import dev.pipewright.models.JobStatus;
import dev.pipewright.secrets.SecretKeys;
import dev.pipewright.store.BuildView;
import dev.pipewright.store.JobView;
import dev.pipewright.store.NewBuild;
import dev.pipewright.store.Variable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A worker that cannot open a build's sealed secrets fails the build with the reason instead of
 * running its steps without them; the secrets are erased with the build's end.
 */
class SecretsWorkerIT {
  private static final Duration DEADLINE = Duration.ofSeconds(60);
  private static final String WORKFLOW =
      """
      on: push
      jobs:
        use:
          runs-on: local
          steps:
            - run: echo "token is ${{ secrets.TOKEN }}"
      """;

  private WorkerHarness harness;
  private Path entryApiKey;

  @BeforeEach
  void setUp() throws Exception {
    harness = new WorkerHarness();
    entryApiKey =
        Files.writeString(harness.workspaces.resolve("entry-api.key"), SecretKeys.newKeyLine("k1"));
  }

  @AfterEach
  void tearDown() throws Exception {
    harness.close();
  }

  /** A build with a secret, sealed with the entry API's key, on the queue. */
  private UUID buildWithSecret() {
    return harness.createBuild(
        new NewBuild(
            "it",
            WORKFLOW,
            null,
            null,
            null,
            null,
            Map.of("TOKEN", new Variable("s3cr3t-" + UUID.randomUUID(), true)),
            null),
        entryApiKey);
  }

  private BuildView awaitEnd(UUID id) {
    await()
        .atMost(DEADLINE)
        .pollInterval(Duration.ofMillis(100))
        .until(() -> harness.build(id).status().terminal());
    return harness.build(id);
  }

  private void assertFailedWithoutRunning(BuildView build, String reason) {
    assertThat(build.status()).isEqualTo(BuildStatus.FAILED);
    assertThat(build.errorCode()).isEqualTo(ErrorCode.PERMANENT);
    assertThat(build.errorMessage()).contains(reason).doesNotContain("s3cr3t");
    assertThat(build.sealedSecrets()).as("erased with the build's end").isEmpty();
    assertThat(build.jobs()).extracting(JobView::status).doesNotContain(JobStatus.SUCCEEDED);
    assertThat(harness.logText(build.id())).doesNotContain("token is");
  }

  @Test
  void aWorkerWithoutAKeyFailsABuildWithSecretsSayingWhy() {
    harness.start(harness.config("keyless"));

    BuildView build = awaitEnd(buildWithSecret());

    assertFailedWithoutRunning(
        build,
        "has secret variables but this worker has no secret key: set PIPEWRIGHT_SECRET_KEY_FILE");
  }

  @Test
  void aWorkerWithAnotherKeyOfTheSameIdFailsTheBuildSayingItDoesNotOpen() throws Exception {
    Path otherKey =
        Files.writeString(harness.workspaces.resolve("other.key"), SecretKeys.newKeyLine("k1"));
    harness.start(harness.config("other-key").toBuilder().secretKeyFile(otherKey).build());

    BuildView build = awaitEnd(buildWithSecret());

    assertFailedWithoutRunning(build, "secret TOKEN does not open with key k1");
  }

  @Test
  void aWorkerWithTheKeyRunsTheBuildAndMasksTheSecret() {
    harness.start(harness.config("keyed").toBuilder().secretKeyFile(entryApiKey).build());

    BuildView build = awaitEnd(buildWithSecret());

    assertThat(build.status()).isEqualTo(BuildStatus.SUCCEEDED);
    assertThat(build.sealedSecrets()).isEmpty();
    assertThat(harness.logText(build.id())).contains("token is ***").doesNotContain("s3cr3t");
  }
}
