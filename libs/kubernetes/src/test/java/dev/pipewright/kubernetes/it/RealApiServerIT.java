package dev.pipewright.kubernetes.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import dev.pipewright.executor.InMemoryLogSink;
import dev.pipewright.executor.JobRef;
import dev.pipewright.executor.JobRun;
import dev.pipewright.executor.engine.EngineJobRunner;
import dev.pipewright.executor.engine.EngineSettings;
import dev.pipewright.kubernetes.MockApi;
import dev.pipewright.kubernetes.PipelineRuns;
import dev.pipewright.kubernetes.operator.BuildProgress;
import dev.pipewright.kubernetes.operator.BuildReconciler;
import dev.pipewright.kubernetes.operator.PipelineRunOperator;
import dev.pipewright.kubernetes.operator.PipelineRunReconciler;
import dev.pipewright.kubernetes.pod.PodHostFactory;
import dev.pipewright.kubernetes.runner.KubeNames;
import dev.pipewright.kubernetes.runner.KubernetesRunnerConfig;
import dev.pipewright.models.BuildStatus;
import dev.pipewright.models.JobStatus;
import dev.pipewright.parser.WorkflowParser;
import dev.pipewright.parser.spec.WorkflowSpec;
import dev.pipewright.pipelinerun.v1alpha1.Phase;
import dev.pipewright.pipelinerun.v1alpha1.PipelineRun;
import dev.pipewright.pipelinerun.v1alpha1.PipelineRunSpec;
import dev.pipewright.pipelinerun.v1alpha1.PipelineRunStatus;
import io.fabric8.kubeapitest.KubeAPIServer;
import io.fabric8.kubeapitest.KubeAPIServerConfig;
import io.fabric8.kubeapitest.KubeAPIServerConfigBuilder;
import io.fabric8.kubeapitest.KubeAPITestException;
import io.fabric8.kubeapitest.Utils;
import io.fabric8.kubeapitest.binary.BinaryManager;
import io.fabric8.kubeapitest.binary.OSInfo;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The objects Pipewright writes, against a real kube-apiserver and etcd (Fabric8's kube-api-test:
 * no scheduler, no controllers, no kubelet), where the mock API server's leniency cannot hide a
 * refusal. Runs when the binaries are on this machine, in kube-api-test's layout: {@code
 * $KUBE_API_TEST_DIR/k8s/<version>-<os>-<arch>/} holding {@code kube-apiserver}, {@code etcd} and
 * {@code kubectl} ({@code KUBE_API_TEST_DIR} defaults to {@code ~/.kubeapitest}); skipped with that
 * line otherwise. Nothing is downloaded (offline mode).
 *
 * <p>What Fabric8's mock server (CRUD mode, 7.5) accepts and a real one refuses, as tried on the
 * mock; the tests below hold the real server to the refusals. The mock keeps the status subresource
 * apart as a real server does, but does not validate a custom resource against its CRD (a {@code
 * buildId} breaking its pattern is stored, a change of the immutable {@code buildId} too: CEL rules
 * are not evaluated), keeps unknown fields where a structural schema prunes them, has no
 * server-side apply (JOSDK's default for status and finalizers: {@code
 * PipelineRunOperator.start(..., serverSideApply)}) and no Pod Security admission.
 */
@EnabledIf(value = "binariesPresent", disabledReason = RealApiServerIT.SKIPPED)
class RealApiServerIT {
  static final String SKIPPED =
      "no kube-apiserver, etcd and kubectl in $KUBE_API_TEST_DIR/k8s/<version>-<os>-<arch>/"
          + " (KUBE_API_TEST_DIR defaults to ~/.kubeapitest): set KUBE_API_TEST_DIR to run"
          + " RealApiServerIT against a real API server";
  private static final Logger LOG = LoggerFactory.getLogger(RealApiServerIT.class);
  private static final String INSTALLATION = "api-test";
  private static final Duration WAIT = Duration.ofSeconds(60);

  /** A secret in a step, a step name too long for a container name, an always() step. */
  private static final String BUILD_WITH_A_SECRET =
      """
      on: push
      jobs:
        build:
          runs-on: ubuntu-latest
          steps:
            - name: A step with a rather long display name, more than sixty-three characters
              run: make test TOKEN=${{ secrets.TOKEN }}
            - name: Always
              if: always()
              run: echo done
      """;

  private static final KubeAPIServerConfig CONFIG =
      KubeAPIServerConfigBuilder.anAPIServerConfig().withOfflineMode(true).build();

  private static KubeAPIServer server;
  private static KubernetesClient client;
  private static Path kubectl;

  /** Whether kube-api-test finds its binaries here; says where it looked when it does not. */
  static boolean binariesPresent() {
    BinaryManager binaries = new BinaryManager(CONFIG);
    try {
      binaries.initAndDownloadIfRequired();
    } catch (KubeAPITestException e) {
      LOG.warn(
          "RealApiServerIT skipped: no kube-apiserver, etcd and kubectl in {}/<version>{}/ ({})."
              + " Set KUBE_API_TEST_DIR to a directory holding"
              + " k8s/<version>{}/{kube-apiserver,etcd,kubectl} to run it.",
          Path.of(CONFIG.getKubeAPITestDir(), BinaryManager.BINARY_LIST_DIR),
          Utils.platformSuffix(new OSInfo()),
          e.getMessage(),
          Utils.platformSuffix(new OSInfo()));
      return false;
    }
    kubectl = binaries.binaries().getKubectl().toPath();
    return true;
  }

  @BeforeAll
  static void startApiServer() {
    server = new KubeAPIServer(CONFIG);
    server.start();
    client =
        new KubernetesClientBuilder()
            .withConfig(Config.fromKubeconfig(server.getKubeConfigYaml()))
            .build();
    try (InputStream in = Files.newInputStream(MockApi.CRD)) {
      CustomResourceDefinition crd =
          client.apiextensions().v1().customResourceDefinitions().load(in).item();
      client.apiextensions().v1().customResourceDefinitions().resource(crd).create();
    } catch (java.io.IOException e) {
      throw new IllegalStateException("cannot read " + MockApi.CRD, e);
    }
    client
        .apiextensions()
        .v1()
        .customResourceDefinitions()
        .withName("pipelineruns.pipewright.dev")
        .waitUntilCondition(
            crd ->
                crd.getStatus() != null
                    && crd.getStatus().getConditions().stream()
                        .anyMatch(
                            c -> "Established".equals(c.getType()) && "True".equals(c.getStatus())),
            WAIT.toSeconds(),
            TimeUnit.SECONDS);
  }

  @AfterAll
  static void stopApiServer() {
    if (client != null) {
      client.close();
    }
    if (server != null) {
      server.stop();
    }
  }

  /** A namespace of its own per test, enforcing the "restricted" profile as k8s/ does. */
  private static String namespace() {
    String ns = "pw-" + UUID.randomUUID().toString().substring(0, 8);
    client
        .namespaces()
        .resource(
            new NamespaceBuilder()
                .withNewMetadata()
                .withName(ns)
                .addToLabels("pod-security.kubernetes.io/enforce", "restricted")
                .addToLabels("pod-security.kubernetes.io/enforce-version", "latest")
                .endMetadata()
                .build())
        .create();
    return ns;
  }

  /** The operator writes status and finalizer by server-side apply, as it does in production. */
  @Test
  void aPipelineRunsStatusRoundTripsThroughTheOperatorWithServerSideApply() {
    String ns = namespace();
    String buildId = UUID.randomUUID().toString();
    PipelineRun created =
        PipelineRuns.ensure(client, ns, INSTALLATION, new PipelineRunSpec(buildId));
    assertThat(created.getMetadata().getLabels())
        .containsEntry(KubeNames.INSTALLATION_LABEL, INSTALLATION);
    BuildReconciler builds =
        new BuildReconciler() {
          @Override
          public Optional<BuildProgress> reconcile(String id) {
            return Optional.of(
                new BuildProgress(
                    BuildStatus.SUCCEEDED,
                    List.of(new BuildProgress.JobProgress("build", JobStatus.SUCCEEDED, "pw-x")),
                    null,
                    1));
          }

          @Override
          public void cancel(String id) {}
        };
    try (PipelineRunOperator operator =
        PipelineRunOperator.start(
            client, ns, new PipelineRunReconciler(builds, INSTALLATION), true)) {
      PipelineRun run =
          await()
              .atMost(WAIT)
              .until(
                  () -> run(ns, buildId),
                  r -> r.getStatus() != null && r.getStatus().getPhase() == Phase.Succeeded);
      PipelineRunStatus status = run.getStatus();
      assertThat(status.getProgress()).isEqualTo("1/1");
      assertThat(status.getObservedGeneration()).isEqualTo(1L);
      assertThat(status.getJobs())
          .singleElement()
          .satisfies(j -> assertThat(j.getKey()).isEqualTo("build"));
      assertThat(status.getConditions())
          .extracting(c -> c.getType() + "=" + c.getStatus())
          .containsExactly("Finished=True", "Succeeded=True");
      assertThat(run.getMetadata().getFinalizers()).isNotEmpty();
    }
    // The status subresource: a write of the whole object leaves the status alone.
    PipelineRun edited = run(ns, buildId);
    edited.getStatus().setPhase(Phase.Failed);
    client.resources(PipelineRun.class).inNamespace(ns).resource(edited).update();
    assertThat(run(ns, buildId).getStatus().getPhase()).isEqualTo(Phase.Succeeded);
  }

  /** The CRD's schema holds on a real server; the mock stores all of these as given. */
  @Test
  void theCrdRefusesWhatItsSchemaForbidsAndPrunesUnknownFields() {
    String ns = namespace();
    String buildId = UUID.randomUUID().toString();
    PipelineRuns.ensure(client, ns, INSTALLATION, new PipelineRunSpec(buildId));

    PipelineRun changed = run(ns, buildId);
    changed.getSpec().setBuildId(UUID.randomUUID().toString());
    KubernetesClientException immutable =
        catchThrowableOfType(
            KubernetesClientException.class,
            () -> client.resources(PipelineRun.class).inNamespace(ns).resource(changed).update());
    assertThat(immutable.getCode()).isEqualTo(422);
    assertThat(immutable.getMessage()).contains("buildId is immutable");

    KubernetesClientException pattern =
        catchThrowableOfType(
            KubernetesClientException.class,
            () -> create(ns, "pr-bad", Map.of("buildId", "-not a build id")));
    assertThat(pattern.getCode()).isEqualTo(422);

    GenericKubernetesResource pruned = create(ns, "pr-pruned", Map.of("buildId", "b1", "bogus", 1));
    @SuppressWarnings("unchecked")
    Map<String, Object> spec = (Map<String, Object>) pruned.getAdditionalProperties().get("spec");
    assertThat(spec).containsEntry("buildId", "b1").doesNotContainKey("bogus");
  }

  /**
   * A build's Job as the pod host submits it is accepted, its pod template mounts no
   * service-account token, and a pod made from it is admitted under the "restricted" profile (no
   * controller runs here, so the test creates that pod itself). No secret value is in the Job: the
   * pod host hands a step its environment in a file on the workspace volume.
   */
  @Test
  void thePodHostsJobIsAcceptedCarriesNoSecretAndItsPodIsRestricted(@TempDir Path volume)
      throws Exception {
    String ns = namespace();
    String buildId = UUID.randomUUID().toString();
    WorkflowSpec workflow = new WorkflowParser().parse(BUILD_WITH_A_SECRET, "ci.yml");
    KubernetesRunnerConfig config =
        new KubernetesRunnerConfig(
            ns,
            INSTALLATION,
            "workspace",
            "debian:bookworm-slim",
            Map.of(),
            Duration.ofMinutes(10),
            1001,
            "250m",
            "256Mi",
            "2",
            "2Gi",
            Duration.ofMillis(200),
            null);
    JobRef ref = new JobRef(buildId, "build");
    // No kubelet runs here: the job waits for its pod until the runner closes.
    try (EngineJobRunner runner =
        new EngineJobRunner(
            "kubernetes",
            EngineSettings.defaults("api-test"),
            1,
            new PodHostFactory(client, config, volume, "api-test"),
            new InMemoryLogSink())) {
      runner.start(
          JobRun.builder(ref, workflow, workflow.job("build"))
              .secrets(Map.of("TOKEN", "hunter2"))
              .build(),
          null);
      String jobName = KubeNames.jobName(ref, 1);
      Job job =
          await()
              .atMost(WAIT)
              .until(
                  () -> client.batch().v1().jobs().inNamespace(ns).withName(jobName).get(),
                  j -> j != null);
      var template = job.getSpec().getTemplate();
      assertThat(template.getSpec().getAutomountServiceAccountToken()).isFalse();
      assertThat(template.getMetadata().getLabels())
          .containsEntry(KubeNames.INSTALLATION_LABEL, INSTALLATION);
      assertThat(Serialization.asJson(job)).doesNotContain("hunter2");
      assertThat(client.secrets().inNamespace(ns).list().getItems())
          .noneMatch(s -> s.getMetadata().getName().startsWith("pw-"));

      Pod pod =
          new PodBuilder()
              .withNewMetadata()
              .withName(jobName + "-pod")
              .withLabels(template.getMetadata().getLabels())
              .withAnnotations(template.getMetadata().getAnnotations())
              .endMetadata()
              .withSpec(template.getSpec())
              .build();
      // Pod Security admission refuses (403) a pod that breaks the namespace's profile.
      Pod admitted = client.pods().inNamespace(ns).resource(pod).create();
      assertThat(admitted.getSpec().getAutomountServiceAccountToken()).isFalse();
    }
  }

  /** What {@code kubectl apply -k k8s/} sends, rendered by kubectl and applied server-side. */
  @Test
  void everyObjectOfK8sIsAccepted() throws Exception {
    Process render =
        new ProcessBuilder(kubectl.toString(), "kustomize", Path.of("../../k8s").toString())
            .redirectErrorStream(true)
            .start();
    String yaml = new String(render.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(render.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(render.exitValue()).as(yaml).isZero();
    List<HasMetadata> applied = client.resourceList(yaml).forceConflicts().serverSideApply();
    assertThat(applied)
        .extracting(HasMetadata::getKind)
        .contains("Namespace", "Role", "Deployment", "ConfigMap");
  }

  private static PipelineRun run(String ns, String buildId) {
    return BuildObjects.run(client, ns, buildId);
  }

  private static GenericKubernetesResource create(String ns, String name, Map<String, ?> spec) {
    GenericKubernetesResource r = new GenericKubernetesResource();
    r.setApiVersion(PipelineRun.API_VERSION);
    r.setKind(PipelineRun.KIND);
    r.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(ns).build());
    r.setAdditionalProperty("spec", spec);
    return client
        .genericKubernetesResources(PipelineRun.API_VERSION, PipelineRun.KIND)
        .inNamespace(ns)
        .resource(r)
        .create();
  }
}
