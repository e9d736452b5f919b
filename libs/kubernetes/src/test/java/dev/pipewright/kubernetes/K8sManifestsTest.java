package dev.pipewright.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * k8s/ renders with {@code kubectl kustomize k8s/} (checked where kubectl is installed); the rest
 * needs no tool: every kustomization reference resolves as kustomize would load it, crds/ can be
 * applied with {@code kubectl apply -f}, every manifest parses as a Kubernetes object, and the
 * Deployments and RBAC keep their promises.
 */
class K8sManifestsTest {
  static final Path K8S = Path.of("../../k8s");

  /** A variable no code reads is a setting that silently does nothing. */
  @Test
  void everyConfigVariableIsADocumentedSetting() throws IOException {
    String documented = Files.readString(Path.of("../../libs/ops/CONFIGURATION.md"));
    Map<String, Object> config = yaml(K8S.resolve("config.yaml"));
    @SuppressWarnings("unchecked")
    Map<String, Object> data = (Map<String, Object>) config.get("data");
    assertThat(data.keySet())
        .isNotEmpty()
        .allSatisfy(name -> assertThat(documented).as(name).contains("`" + name + "`"));
  }

  /**
   * kustomize loads a file resource only at or below the kustomization's own directory (its default
   * load restriction: "security; file ... is not in or below ..."), and a directory only through a
   * kustomization inside it.
   */
  @Test
  void kustomizationReferencesResolveWithinItsDirectory() throws IOException {
    Path kustomization = K8S.resolve("kustomization.yaml");
    Map<String, Object> k = yaml(kustomization);
    @SuppressWarnings("unchecked")
    List<String> resources = (List<String>) k.get("resources");
    assertThat(resources).isNotEmpty();
    Path root = K8S.toRealPath();
    for (String r : resources) {
      Path target = K8S.resolve(r);
      assertThat(target).as("%s in %s", r, kustomization).exists();
      if (Files.isDirectory(target)) {
        assertThat(target.resolve("kustomization.yaml")).exists();
      } else {
        assertThat(target.toRealPath()).as("%s is below k8s/", r).startsWith(root);
      }
    }
    // The CRD is applied on its own from the top-level crds/ (kubectl apply -f crds/), outside the
    // directory kustomize may load from.
    assertThat(resources).noneMatch(r -> r.contains("crds"));
  }

  /**
   * {@code kubectl apply -f crds/} reads every .yaml, .yml and .json file of the directory as a
   * Kubernetes object: a kustomization there made it fail on a real cluster.
   */
  @Test
  void theCrdDirectoryHoldsOnlyPlainManifests() throws IOException {
    try (Stream<Path> files = Files.list(Path.of("../../crds"))) {
      List<Path> manifests = files.sorted().toList();
      assertThat(manifests)
          .extracting(p -> p.getFileName().toString())
          .doesNotContain("kustomization.yaml", "kustomization.yml", "Kustomization");
      assertThat(manifests)
          .isNotEmpty()
          .allSatisfy(
              p -> {
                HasMetadata object =
                    Serialization.unmarshal(Files.readString(p), HasMetadata.class);
                assertThat(object.getKind()).as("%s", p).isEqualTo("CustomResourceDefinition");
              });
    }
  }

  /** Renders k8s/ as a user would, where kubectl is installed (it carries kustomize). */
  @Test
  void kubectlKustomizeRendersEveryObject() throws Exception {
    Path kubectl =
        Stream.of(System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator))
            .map(dir -> Path.of(dir, "kubectl"))
            .filter(Files::isExecutable)
            .findFirst()
            .orElse(null);
    Assumptions.assumeTrue(
        kubectl != null, "kubectl is not on PATH: `kubectl kustomize k8s/` not run");
    Process p =
        new ProcessBuilder(kubectl.toString(), "kustomize", K8S.toString())
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    List<String> kinds = new ArrayList<>();
    for (String doc : out.split("(?m)^---\\s*$")) {
      if (!doc.isBlank()) {
        kinds.add(Serialization.unmarshal(doc, HasMetadata.class).getKind());
      }
    }
    List<String> expected = new ArrayList<>();
    objects().forEach(o -> expected.add(o.getKind()));
    assertThat(kinds).containsExactlyInAnyOrderElementsOf(expected);
  }

  @Test
  void everyManifestParsesAndDeploymentsAreRestrictedWithProbes() throws IOException {
    List<HasMetadata> objects = objects();
    assertThat(objects)
        .extracting(HasMetadata::getKind)
        .contains(
            "Namespace",
            "ServiceAccount",
            "Role",
            "RoleBinding",
            "ConfigMap",
            "PersistentVolumeClaim",
            "Deployment",
            "Service");
    List<Deployment> deployments =
        objects.stream().filter(Deployment.class::isInstance).map(Deployment.class::cast).toList();
    assertThat(deployments)
        .extracting(d -> d.getMetadata().getName())
        .containsExactlyInAnyOrder("entry-api", "pipeline-service");
    for (Deployment d : deployments) {
      var pod = d.getSpec().getTemplate().getSpec();
      // A token only where the API is used: the worker (Jobs, Pods, PipelineRuns); build pods get
      // none either (JobManifests).
      if (d.getMetadata().getName().equals("pipeline-service")) {
        assertThat(pod.getAutomountServiceAccountToken()).isNotEqualTo(Boolean.FALSE);
      } else {
        assertThat(pod.getAutomountServiceAccountToken()).as(d.getMetadata().getName()).isFalse();
      }
      assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
      assertThat(pod.getSecurityContext().getSeccompProfile().getType())
          .isEqualTo("RuntimeDefault");
      for (var c : pod.getContainers()) {
        assertThat(c.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
        assertThat(c.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
        assertThat(c.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/readyz");
        assertThat(c.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/healthz");
        assertThat(c.getResources().getLimits()).containsKeys("cpu", "memory");
      }
    }
  }

  /**
   * The pod host reads and writes the jobs' files through the worker's own mount of the workspace
   * claim, at the workspace root the pods mount their directories at, as the same uid.
   */
  @Test
  @SuppressWarnings("unchecked")
  void theWorkerMountsTheWorkspaceClaimAtItsWorkspaceRootAsTheBuildPodsUser() throws IOException {
    Map<String, String> data = (Map<String, String>) yaml(K8S.resolve("config.yaml")).get("data");
    var pod = named(Deployment.class, "pipeline-service").getSpec().getTemplate().getSpec();
    String volume = volumeOfClaim(pod, data.get("PIPEWRIGHT_K8S_WORKSPACE_CLAIM"));
    assertThat(pod.getContainers().getFirst().getVolumeMounts())
        .anySatisfy(
            m -> {
              assertThat(m.getName()).isEqualTo(volume);
              assertThat(m.getMountPath()).isEqualTo(data.get("PIPEWRIGHT_WORKSPACE_ROOT"));
            });
    assertThat(data.get("PIPEWRIGHT_K8S_RUN_AS_USER"))
        .isEqualTo(String.valueOf(pod.getSecurityContext().getRunAsUser()));
  }

  /**
   * Every entry API replica keeps artifact bytes on the blob claim, mounted at the blob root the
   * configuration names, writable by the pod's user; the claim is shared by the replicas.
   */
  @Test
  @SuppressWarnings("unchecked")
  void theEntryApiMountsTheSharedBlobClaimAtItsBlobRoot() throws IOException {
    Map<String, String> data = (Map<String, String>) yaml(K8S.resolve("config.yaml")).get("data");
    PersistentVolumeClaim claim = named(PersistentVolumeClaim.class, "pipewright-blobs");
    assertThat(claim.getSpec().getAccessModes()).containsExactly("ReadWriteMany");
    var pod = named(Deployment.class, "entry-api").getSpec().getTemplate().getSpec();
    String volume = volumeOfClaim(pod, "pipewright-blobs");
    assertThat(pod.getContainers().getFirst().getVolumeMounts())
        .anySatisfy(
            m -> {
              assertThat(m.getName()).isEqualTo(volume);
              assertThat(m.getMountPath()).isEqualTo(data.get("PIPEWRIGHT_BLOB_ROOT"));
              assertThat(m.getReadOnly()).isNotEqualTo(Boolean.TRUE);
            });
    assertThat(pod.getSecurityContext().getFsGroup())
        .isEqualTo(pod.getSecurityContext().getRunAsGroup());
  }

  @Test
  void theWorkerRoleGrantsNoWildcards() throws IOException {
    Role role = workerRole();
    assertThat(role.getRules())
        .allSatisfy(
            r -> {
              assertThat(r.getVerbs()).doesNotContain("*");
              assertThat(r.getResources()).doesNotContain("*");
            });
  }

  @Test
  void theWorkerRoleAllowsEveryCallTheRunnerMakes() throws IOException {
    Role role = workerRole();
    // The pod host creates a Job per attempt (reading it back on a conflict), deletes one or a
    // build's by label, and watches pods; it needs no Secret and no pod logs.
    assertThat(role.getRules())
        .anySatisfy(
            r -> {
              assertThat(r.getResources()).contains("jobs");
              assertThat(r.getVerbs()).contains("get", "create", "delete", "deletecollection");
            })
        .anySatisfy(
            r -> {
              assertThat(r.getApiGroups()).containsExactly("");
              assertThat(r.getResources()).containsExactly("pods");
              assertThat(r.getVerbs()).containsExactlyInAnyOrder("get", "list", "watch");
            })
        .noneSatisfy(r -> assertThat(r.getResources()).containsAnyOf("secrets", "pods/log"));
  }

  /** The manifests' object of that kind and name. */
  private static <T extends HasMetadata> T named(Class<T> kind, String name) throws IOException {
    return objects().stream()
        .filter(kind::isInstance)
        .map(kind::cast)
        .filter(o -> o.getMetadata().getName().equals(name))
        .findFirst()
        .orElseThrow();
  }

  /** The name of the pod's volume backed by {@code claim}. */
  private static String volumeOfClaim(PodSpec pod, String claim) {
    return pod.getVolumes().stream()
        .filter(
            v ->
                v.getPersistentVolumeClaim() != null
                    && claim.equals(v.getPersistentVolumeClaim().getClaimName()))
        .findFirst()
        .orElseThrow()
        .getName();
  }

  private static Role workerRole() throws IOException {
    return objects().stream()
        .filter(Role.class::isInstance)
        .map(Role.class::cast)
        .findFirst()
        .orElseThrow();
  }

  private static List<HasMetadata> objects() throws IOException {
    List<HasMetadata> all = new ArrayList<>();
    try (Stream<Path> files = Files.list(K8S)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
        if (f.getFileName().toString().equals("kustomization.yaml")) {
          continue;
        }
        for (String doc : Files.readString(f).split("(?m)^---\\s*$")) {
          if (!doc.isBlank()) {
            all.add(Serialization.unmarshal(doc, HasMetadata.class));
          }
        }
      }
    }
    return all;
  }

  private static Map<String, Object> yaml(Path p) throws IOException {
    try (InputStream in = Files.newInputStream(p)) {
      return Serialization.unmarshal(in, Map.class);
    }
  }
}
