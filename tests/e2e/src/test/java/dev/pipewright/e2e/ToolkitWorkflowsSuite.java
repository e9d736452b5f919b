package dev.pipewright.e2e;

import dev.pipewright.entryapi.EntryApiConfig;
import dev.pipewright.secrets.SecretKeys;
import java.io.IOException;
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
  private ToolkitRuns runs;

  /**
   * An installation sealing with {@code keyFile} and a worker of the host under test whose jobs
   * fetch actions from {@code offline} only ({@link ToolkitWorkflows#workerSettings}).
   */
  protected abstract Installation install(Path offline, Path keyFile) throws Exception;

  /** Closes what {@link #install} started besides the installation. */
  protected void closeHost() throws Exception {}

  /** The repository the cache builds are for; its caches are this host's alone. */
  protected abstract String repository();

  /**
   * An installation whose caches are capped at {@link ToolkitWorkflows#CACHE_BYTES_PER_REPOSITORY}
   * per repository, with its entry API on {@code bindAddress}.
   */
  protected static Installation installation(String label, Path keyFile, String bindAddress)
      throws IOException {
    return new Installation(
        label, keyFile, bindAddress, ToolkitWorkflows.CACHE_BYTES_PER_REPOSITORY);
  }

  /** {@link #installation(String, Path, String)} on the entry API's default (loopback) address. */
  protected static Installation installation(String label, Path keyFile) throws IOException {
    return installation(label, keyFile, EntryApiConfig.defaults().listeners().bindAddress());
  }

  /**
   * Starts on {@code pw} a worker of the local executor (processes, and podman for jobs with {@code
   * container:}) that gives jobs the entry API on loopback and actions from {@code offline}.
   */
  protected static Installation withLocalWorker(Installation pw, String workerId, Path offline) {
    pw.startWorker(
        pw.workerConfig(
            workerId,
            ToolkitWorkflows.workerSettings(offline, "http://127.0.0.1:" + pw.httpPort())));
    return pw;
  }

  /** The installation the cases run on, once {@link #install} made it. */
  protected Installation pw() {
    return pw;
  }

  /** The image this host runs every job in ({@code container:}); null: none, the host's own. */
  protected String jobContainer() {
    return null;
  }

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
    runs = new ToolkitRuns(pw, jobContainer(), atMost());
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
    runs.uploadThenDownload();
  }

  @Test
  void anotherBuildsTokenFindsNoneOfTheFirstBuildsArtifacts() {
    runs.otherBuildRefused(runs.uploadThenDownload());
  }

  @Test
  void aCacheSavedByOneBuildIsRestoredByTheNextByExactKeyAndByRestoreKeyPrefix() {
    runs.cacheAcrossBuilds(repository());
  }

  @Test
  void cachesOverTheRepositorysCapLoseTheLeastRecentlyUsedToTheSweep() {
    runs.leastRecentlyUsedEvictedOverTheCap(repository() + "-evicting");
  }
}
