package dev.pipewright.e2e;

import dev.pipewright.kubernetes.it.E2eCluster;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.condition.EnabledIf;

/**
 * {@link ToolkitWorkflowsPodIT} against a real cluster: a real scheduler, kubelet and container
 * runtime run each job's pod, which reaches the entry API this test starts. It runs when these name
 * the cluster (the conventions of libs/kubernetes's PodHostClusterParityE2E, {@link E2eCluster}):
 *
 * <ul>
 *   <li>{@code PIPEWRIGHT_E2E_KUBECONFIG}, {@code PIPEWRIGHT_E2E_NAMESPACE} (default {@code
 *       pipewright-e2e}), {@code PIPEWRIGHT_E2E_WORKSPACE_CLAIM} (a ReadWriteMany PVC there) and
 *       {@code PIPEWRIGHT_E2E_WORKSPACE_PATH} (where this machine mounts its volume), {@code
 *       PIPEWRIGHT_E2E_RUN_AS_USER} (default: that path's owner);
 *   <li>{@code PIPEWRIGHT_E2E_RESULTS_HOST}: this machine's address as the cluster's pods reach it
 *       (the entry API binds every interface, on free ports);
 *   <li>{@code PIPEWRIGHT_E2E_IMAGE}: the jobs' image, which needs {@code node} (default {@code
 *       node:20-bookworm-slim}); or {@code PIPEWRIGHT_E2E_NODE_IMAGE} ({@code
 *       kubernetes.node-image}) to bring Node.js into another image.
 * </ul>
 *
 * Skipped with a line saying which is missing otherwise.
 */
@EnabledIf(value = "clusterNamed", disabledReason = ToolkitWorkflowsClusterE2E.SKIPPED)
class ToolkitWorkflowsClusterE2E extends ToolkitWorkflowsSuite {
  static final String SKIPPED =
      "no cluster: set PIPEWRIGHT_E2E_KUBECONFIG, PIPEWRIGHT_E2E_WORKSPACE_CLAIM,"
          + " PIPEWRIGHT_E2E_WORKSPACE_PATH and PIPEWRIGHT_E2E_RESULTS_HOST to run the toolkit"
          + " workflows on a real cluster";
  private KubernetesClient client;

  static boolean clusterNamed() {
    return E2eCluster.named("ToolkitWorkflowsClusterE2E", SKIPPED, "PIPEWRIGHT_E2E_RESULTS_HOST");
  }

  @Override
  protected Installation install(Path offline, Path keyFile) throws Exception {
    Map<String, String> env = System.getenv();
    Installation pw = installation("toolkitcluster", keyFile, "0.0.0.0");
    client =
        new KubernetesClientBuilder()
            .withConfig(
                Config.fromKubeconfig(
                    Files.readString(Path.of(env.get("PIPEWRIGHT_E2E_KUBECONFIG")))))
            .build();
    Path volume = Path.of(env.get("PIPEWRIGHT_E2E_WORKSPACE_PATH"));
    Map<String, String> settings =
        new HashMap<>(
            ToolkitWorkflows.workerSettings(
                offline, "http://" + env.get("PIPEWRIGHT_E2E_RESULTS_HOST") + ":" + pw.httpPort()));
    settings.put(
        "PIPEWRIGHT_K8S_DEFAULT_IMAGE",
        env.getOrDefault("PIPEWRIGHT_E2E_IMAGE", "node:20-bookworm-slim"));
    settings.put(
        "PIPEWRIGHT_K8S_RUN_AS_USER",
        env.getOrDefault(
            "PIPEWRIGHT_E2E_RUN_AS_USER",
            String.valueOf(((Number) Files.getAttribute(volume, "unix:uid")).longValue())));
    if (!env.getOrDefault("PIPEWRIGHT_E2E_NODE_IMAGE", "").isBlank()) {
      settings.put("PIPEWRIGHT_K8S_NODE_IMAGE", env.get("PIPEWRIGHT_E2E_NODE_IMAGE"));
    }
    ToolkitWorkflows.startPodWorker(
        pw,
        client,
        env.getOrDefault("PIPEWRIGHT_E2E_NAMESPACE", "pipewright-e2e"),
        env.get("PIPEWRIGHT_E2E_WORKSPACE_CLAIM"),
        volume,
        settings);
    return pw;
  }

  @Override
  protected void closeHost() {
    if (client != null) {
      client.close();
    }
  }

  @Override
  protected String repository() {
    return "acme/toolkit-cluster";
  }

  @Override
  protected Duration atMost() {
    return Duration.ofMinutes(10);
  }
}
