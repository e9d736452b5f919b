package dev.pipewright.pipeline.worker;

import dev.pipewright.kubernetes.MockApi;
import dev.pipewright.kubernetes.runner.KubeNames;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The worker in Kubernetes mode for an integration test: Fabric8's mock API server in CRUD mode
 * (with the committed PipelineRun CRD), a client of it, and an installation ({@link WorkerHarness})
 * on the machine's PostgreSQL and RabbitMQ. A test class registers one per test ({@code
 * RegisterExtension}); all three are closed after the test.
 */
final class KubernetesMode implements AfterEachCallback {
  static final String NS = "ci";

  final MockApi api;
  final KubernetesClient client;
  final WorkerHarness harness;

  KubernetesMode() {
    api = new MockApi();
    client = api.client();
    try {
      harness = new WorkerHarness();
    } catch (Exception e) {
      throw new IllegalStateException("the test's installation cannot be set up", e);
    }
  }

  PipelineService worker(String id) {
    return worker(harness, id, Map.of());
  }

  /**
   * A worker of the installation whose database is {@code installation}'s, with {@code env}'s
   * variables over the Kubernetes mode's.
   */
  PipelineService worker(WorkerHarness installation, String id, Map<String, String> env) {
    WorkerConfig config = config(installation, id, env);
    return installation.start(PipelineService.builder(config).kubernetes(client, false).build());
  }

  static WorkerConfig config(WorkerHarness installation, String id) {
    return config(installation, id, Map.of());
  }

  static WorkerConfig config(WorkerHarness installation, String id, Map<String, String> env) {
    Map<String, String> variables = new HashMap<>(env);
    variables.put("PIPEWRIGHT_EXECUTOR", "kubernetes");
    variables.put("PIPEWRIGHT_K8S_NAMESPACE", NS);
    variables.put("PIPEWRIGHT_K8S_WORKSPACE_CLAIM", "workspace");
    return installation.config(id, variables);
  }

  /** The build's Jobs in the namespace. */
  List<Job> jobs(UUID buildId) {
    return client
        .batch()
        .v1()
        .jobs()
        .inNamespace(NS)
        .withLabel(KubeNames.BUILD_LABEL, KubeNames.labelValue(buildId.toString()))
        .list()
        .getItems();
  }

  @Override
  public void afterEach(ExtensionContext context) throws Exception {
    harness.close();
    client.close();
    api.close();
  }
}
