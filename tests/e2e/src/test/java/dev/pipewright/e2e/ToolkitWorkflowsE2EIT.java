package dev.pipewright.e2e;

import dev.pipewright.secrets.SecretKeys;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 15 on the process host through the whole installation (entry API over gRPC and its HTTP
 * side, a worker, PostgreSQL, RabbitMQ): workflows that use {@code actions/upload-artifact@v4},
 * {@code actions/download-artifact@v4} and {@code actions/cache/save|restore@v4} ({@link
 * ToolkitWorkflows}), whose jobs get the runtime token and URLs as actions/runner's JobRunner.cs
 * gives them, run by the engine as node20 actions on the worker's Node.js.
 */
class ToolkitWorkflowsE2EIT {
  private static final Duration AT_MOST = Duration.ofMinutes(3);
  private static Path dir;
  private static Installation pw;

  @BeforeAll
  static void start() throws Exception {
    dir = Files.createTempDirectory("pw-e2e-toolkit-");
    Path offline = ToolkitWorkflows.offlineActions(dir);
    Path keyFile = Files.writeString(dir.resolve("secret.key"), SecretKeys.newKeyLine("k1"));
    pw = new Installation("toolkit", keyFile);
    pw.startWorker(
        pw.workerConfig(
            "toolkit-worker",
            ToolkitWorkflows.workerSettings(offline, "http://127.0.0.1:" + pw.httpPort())));
  }

  @AfterAll
  static void stop() throws Exception {
    if (pw != null) {
      pw.close();
    }
    ToolkitWorkflows.delete(dir);
  }

  @Test
  void aJobUploadsWithUploadArtifactAndADependentJobDownloadsByNameAndAll() {
    ToolkitWorkflows.uploadThenDownload(pw, AT_MOST);
  }

  @Test
  void aCacheSavedByOneBuildIsRestoredByTheNextByExactKeyAndByRestoreKeyPrefix() {
    ToolkitWorkflows.cacheAcrossBuilds(pw, "acme/toolkit", AT_MOST);
  }
}
