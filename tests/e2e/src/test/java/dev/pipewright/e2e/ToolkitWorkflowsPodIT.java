package dev.pipewright.e2e;

import dev.pipewright.kubernetes.MockApi;
import dev.pipewright.kubernetes.it.FakeKubelet;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;

/**
 * Issue 15 on the pod host: the workflows of {@link ToolkitWorkflows} through the whole
 * installation, with a worker in Kubernetes mode against Fabric8's mock API server and the
 * FakeKubelet, which runs each job pod's agent as a local process: the pods reach the entry API's
 * HTTP side on loopback, as a cluster's pods reach its Service. The same expected results as on the
 * process host ({@link ToolkitWorkflowsE2EIT}); {@link ToolkitWorkflowsClusterE2E} runs them on a
 * real cluster.
 */
class ToolkitWorkflowsPodIT extends ToolkitWorkflowsSuite {
  private static final String NS = "ci";
  private MockApi api;
  private KubernetesClient client;
  private FakeKubelet kubelet;

  @Override
  protected Installation install(Path offline, Path keyFile) throws Exception {
    Installation pw = installation("toolkitpods", keyFile);
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
    return pw;
  }

  @Override
  protected void closeHost() {
    if (kubelet != null) {
      kubelet.close();
    }
    if (client != null) {
      client.close();
    }
    if (api != null) {
      api.close();
    }
  }

  @Override
  protected String repository() {
    return "acme/toolkit-pods";
  }
}
