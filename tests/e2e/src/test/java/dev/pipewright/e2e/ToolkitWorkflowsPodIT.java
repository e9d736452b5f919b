package dev.pipewright.e2e;

import dev.pipewright.kubernetes.MockApi;
import dev.pipewright.kubernetes.it.FakeKubelet;
import dev.pipewright.secrets.SecretKeys;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 15 on the pod host: the workflows of {@link ToolkitWorkflows} through the whole
 * installation, with a worker in Kubernetes mode against Fabric8's mock API server and the
 * FakeKubelet, which runs each job pod's agent as a local process: the pods reach the entry API's
 * HTTP side on loopback, as a cluster's pods reach its Service. The same expected results as on the
 * process host ({@link ToolkitWorkflowsE2EIT}); {@link ToolkitWorkflowsClusterE2E} runs them on a
 * real cluster.
 */
class ToolkitWorkflowsPodIT {
  private static final String NS = "ci";
  private static final Duration AT_MOST = Duration.ofMinutes(3);
  private static Path dir;
  private static Installation pw;
  private static MockApi api;
  private static KubernetesClient client;
  private static FakeKubelet kubelet;

  @BeforeAll
  static void start() throws Exception {
    dir = Files.createTempDirectory("pw-e2e-toolkit-pods-");
    Path offline = ToolkitWorkflows.offlineActions(dir);
    Path keyFile = Files.writeString(dir.resolve("secret.key"), SecretKeys.newKeyLine("k1"));
    pw = new Installation("toolkitpods", keyFile);
    api = new MockApi();
    client = api.client();
    kubelet = new FakeKubelet(client, NS, pw.workspaces, api.podLogs());
    ToolkitWorkflows.startPodWorker(
        pw,
        client,
        NS,
        "workspace",
        pw.workspaces,
        ToolkitWorkflows.workerSettings(offline, "http://127.0.0.1:" + pw.httpPort()));
  }

  @AfterAll
  static void stop() throws Exception {
    if (pw != null) {
      pw.close();
    }
    if (kubelet != null) {
      kubelet.close();
    }
    if (client != null) {
      client.close();
    }
    if (api != null) {
      api.close();
    }
    ToolkitWorkflows.delete(dir);
  }

  @Test
  void aJobUploadsWithUploadArtifactAndADependentJobDownloadsByNameAndAll() {
    ToolkitWorkflows.uploadThenDownload(pw, AT_MOST);
  }

  @Test
  void aCacheSavedByOneBuildIsRestoredByTheNextByExactKeyAndByRestoreKeyPrefix() {
    ToolkitWorkflows.cacheAcrossBuilds(pw, "acme/toolkit-pods", AT_MOST);
  }
}
