package dev.pipewright.e2e;

import dev.pipewright.secrets.SecretKeys;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The {@link ToolkitWorkflows} cases on one host: a subclass starts the installation and a worker
 * of that host; each case runs the same workflows and expects the same results on every host.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class ToolkitWorkflowsSuite {
  private Path dir;
  private Installation pw;

  /**
   * An installation sealing with {@code keyFile} and a worker of the host under test whose jobs
   * fetch actions from {@code offline} only ({@link ToolkitWorkflows#workerSettings}).
   */
  protected abstract Installation install(Path offline, Path keyFile) throws Exception;

  /** Closes what {@link #install} started besides the installation. */
  protected void closeHost() throws Exception {}

  /** The repository the cache builds are for; its caches are this host's alone. */
  protected abstract String repository();

  /** How long one build may take on this host. */
  protected Duration atMost() {
    return Duration.ofMinutes(3);
  }

  @BeforeAll
  void start() throws Exception {
    dir = Files.createTempDirectory("pw-e2e-toolkit-");
    Path offline = ToolkitWorkflows.offlineActions(dir);
    pw =
        install(offline, Files.writeString(dir.resolve("secret.key"), SecretKeys.newKeyLine("k1")));
  }

  @AfterAll
  void stop() throws Exception {
    try {
      if (pw != null) {
        pw.close();
      }
      closeHost();
    } finally {
      ToolkitWorkflows.delete(dir);
    }
  }

  @Test
  void aJobUploadsWithUploadArtifactAndADependentJobDownloadsByNameAndAll() {
    ToolkitWorkflows.uploadThenDownload(pw, atMost());
  }

  @Test
  void anotherBuildsTokenFindsNoneOfTheFirstBuildsArtifacts() {
    String uploaded = ToolkitWorkflows.uploadThenDownload(pw, atMost());
    ToolkitWorkflows.otherBuildRefused(pw, uploaded, atMost());
  }

  @Test
  void aCacheSavedByOneBuildIsRestoredByTheNextByExactKeyAndByRestoreKeyPrefix() {
    ToolkitWorkflows.cacheAcrossBuilds(pw, repository(), atMost());
  }
}
