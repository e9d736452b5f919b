package dev.pipewright.kubernetes.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pipewright.executor.InMemoryLogSink;
import dev.pipewright.executor.JobRef;
import dev.pipewright.executor.JobRun;
import dev.pipewright.kubernetes.MockApi;
import dev.pipewright.kubernetes.runner.KubernetesJobRunner;
import dev.pipewright.kubernetes.runner.KubernetesRunnerConfig;
import dev.pipewright.models.JobStatus;
import dev.pipewright.parser.WorkflowParser;
import dev.pipewright.parser.spec.WorkflowSpec;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.InputStream;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.k3s.K3sContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * A job through the Kubernetes runner on a real cluster (K3s in a container): a real kubelet, Job
 * controller and PVC. Skipped, with the reason in the report, where Docker is not available.
 */
@Testcontainers(disabledWithoutDocker = true)
class KubernetesRunnerK3sE2E {
  static final String NS = "pipewright-e2e";

  @Container
  static final K3sContainer K3S =
      new K3sContainer(DockerImageName.parse("rancher/k3s:v1.31.4-k3s1"));

  @Test
  void runsAJobOnARealCluster() throws Exception {
    try (KubernetesClient client =
        new KubernetesClientBuilder()
            .withConfig(Config.fromKubeconfig(K3S.getKubeConfigYaml()))
            .build()) {
      try (InputStream in = Files.newInputStream(MockApi.CRD)) {
        CustomResourceDefinition crd =
            client.apiextensions().v1().customResourceDefinitions().load(in).item();
        client.apiextensions().v1().customResourceDefinitions().resource(crd).create();
      }
      client
          .namespaces()
          .resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build())
          .create();
      // K3s' local-path provisioner is ReadWriteOnce; one node makes that enough here.
      client
          .persistentVolumeClaims()
          .inNamespace(NS)
          .resource(
              new PersistentVolumeClaimBuilder()
                  .withNewMetadata()
                  .withName("workspace")
                  .endMetadata()
                  .withNewSpec()
                  .withAccessModes("ReadWriteOnce")
                  .withNewResources()
                  .addToRequests("storage", new Quantity("1Gi"))
                  .endResources()
                  .endSpec()
                  .build())
          .create();
      WorkflowSpec workflow =
          new WorkflowParser()
              .parse(
                  """
          on: push
          jobs:
            hello:
              runs-on: ubuntu-latest
              steps:
                - run: echo "hello from $GITHUB_JOB" > greeting && cat greeting
                - run: exit 3
                  continue-on-error: true
          """,
                  "ci.yml");
      KubernetesRunnerConfig config =
          new KubernetesRunnerConfig(
              NS,
              "e2e",
              "workspace",
              "docker.io/library/busybox:1.37",
              Map.of(),
              Duration.ofMinutes(10),
              1001,
              null,
              null,
              null,
              null,
              Duration.ofSeconds(1),
              KubernetesRunnerConfig.DEFAULT_CANCEL_GRACE);
      InMemoryLogSink sink = new InMemoryLogSink();
      RecordingObserver observer = new RecordingObserver();
      JobRef ref = new JobRef(UUID.randomUUID().toString(), "hello");
      try (KubernetesJobRunner runner = new KubernetesJobRunner(client, config, sink)) {
        runner.start(JobRun.builder(ref, workflow, workflow.job("hello")).build(), observer);
        await().atMost(Duration.ofMinutes(5)).until(() -> observer.results.containsKey("hello"));
      }
      assertThat(observer.results.get("hello").status()).isEqualTo(JobStatus.SUCCEEDED);
      assertThat(sink.text(ref, 1)).isEqualTo("hello from hello\n");
      assertThat(observer.steps.get("hello/2").exitCode()).isEqualTo(3);
    }
  }
}
