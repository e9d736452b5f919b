package dev.pipewright.kubernetes.pod;

import dev.pipewright.executor.host.JobHostFactory;
import dev.pipewright.executor.parity.ParitySuite;
import dev.pipewright.kubernetes.it.E2eCluster;
import dev.pipewright.kubernetes.runner.KubernetesRunnerConfig;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.condition.EnabledIf;

/**
 * The parity suite on the pod host against a real cluster: a real scheduler, kubelet and container
 * runtime run each job's pod. It runs when {@code PIPEWRIGHT_E2E_KUBECONFIG} names a kubeconfig and
 * this test's JVM (the worker) can open the workspace volume:
 *
 * <ul>
 *   <li>{@code PIPEWRIGHT_E2E_NAMESPACE}: where Jobs go (default {@code pipewright-e2e}); the
 *       account needs to create, read and delete Jobs, read Pods and create PipelineRuns there;
 *   <li>{@code PIPEWRIGHT_E2E_IMAGE}: the jobs' image (default {@code debian:bookworm-slim}, pulled
 *       if not present);
 *   <li>{@code PIPEWRIGHT_E2E_WORKSPACE_CLAIM}: a ReadWriteMany PVC in that namespace;
 *   <li>{@code PIPEWRIGHT_E2E_WORKSPACE_PATH}: where this machine mounts that PVC's volume (an NFS
 *       export mounted here, or the host path of a single-node cluster's local volume): the worker
 *       reads and writes the jobs' files there, as a worker pod does through its own mount;
 *   <li>{@code PIPEWRIGHT_E2E_RUN_AS_USER}: the pods' uid (default: the owner of that path), which
 *       must be able to write what this JVM writes there;
 *   <li>{@code PIPEWRIGHT_E2E_SERVICE_IMAGE_IMPORTED=1}: the cases with services run too (as native
 *       sidecars: Kubernetes 1.29 or later); they need the tests' service image in the nodes'
 *       runtime, which no registry serves: {@code images/build-test-image --service}, then {@code
 *       podman save localhost/pipewright-test-service:1 | ctr -n k8s.io images import -} on each
 *       node.
 * </ul>
 *
 * Skipped with a line saying which of them is missing otherwise.
 */
@EnabledIf(value = "clusterNamed", disabledReason = PodHostClusterParityE2E.SKIPPED)
class PodHostClusterParityE2E extends ParitySuite {
  static final String SKIPPED =
      "no cluster: set PIPEWRIGHT_E2E_KUBECONFIG, PIPEWRIGHT_E2E_WORKSPACE_CLAIM and"
          + " PIPEWRIGHT_E2E_WORKSPACE_PATH (the PVC's volume mounted on this machine) to run the"
          + " parity suite on a real cluster";

  static boolean clusterNamed() {
    return E2eCluster.named("PodHostClusterParityE2E", SKIPPED);
  }

  /** The service cases run once their image is in the cluster; otherwise they say how. */
  @Override
  protected String containersUnavailable() {
    return "1".equals(System.getenv("PIPEWRIGHT_E2E_SERVICE_IMAGE_IMPORTED"))
        ? null
        : "the cluster needs the tests' service image: import localhost/pipewright-test-service:1"
            + " (images/build-test-image --service) into its nodes and set"
            + " PIPEWRIGHT_E2E_SERVICE_IMAGE_IMPORTED=1";
  }

  @Override
  protected JobHostFactory hosts(Path root) {
    Map<String, String> env = System.getenv();
    Path volume = Path.of(env.get("PIPEWRIGHT_E2E_WORKSPACE_PATH"));
    try {
      KubernetesClient client =
          new KubernetesClientBuilder()
              .withConfig(
                  Config.fromKubeconfig(
                      Files.readString(Path.of(env.get("PIPEWRIGHT_E2E_KUBECONFIG")))))
              .build();
      long uid =
          env.containsKey("PIPEWRIGHT_E2E_RUN_AS_USER")
              ? Long.parseLong(env.get("PIPEWRIGHT_E2E_RUN_AS_USER"))
              : ((Number) Files.getAttribute(volume, "unix:uid")).longValue();
      KubernetesRunnerConfig config =
          new KubernetesRunnerConfig(
              env.getOrDefault("PIPEWRIGHT_E2E_NAMESPACE", "pipewright-e2e"),
              "e2e",
              env.get("PIPEWRIGHT_E2E_WORKSPACE_CLAIM"),
              env.getOrDefault("PIPEWRIGHT_E2E_IMAGE", "debian:bookworm-slim"),
              Map.of(),
              Duration.ofMinutes(10),
              uid,
              null,
              null,
              null,
              null,
              Duration.ofMillis(200),
              null);
      PodHostFactory pods = new PodHostFactory(client, config, volume, "pipewright-e2e");
      return new PodHosts(pods, client);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
