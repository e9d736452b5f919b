package dev.pipewright.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * k8s/ renders with {@code kubectl kustomize k8s/} where kubectl exists; this checks what can be
 * checked without it: every kustomization reference resolves, every manifest parses as a Kubernetes
 * object, and the Deployments and RBAC keep their promises.
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

  @Test
  void kustomizationReferencesResolve() throws IOException {
    for (Path kustomization :
        List.of(K8S.resolve("kustomization.yaml"), Path.of("../../crds/kustomization.yaml"))) {
      Map<String, Object> k = yaml(kustomization);
      @SuppressWarnings("unchecked")
      List<String> resources = (List<String>) k.get("resources");
      assertThat(resources).isNotEmpty();
      for (String r : resources) {
        Path target = kustomization.getParent().resolve(r);
        assertThat(target).as("%s in %s", r, kustomization).exists();
        if (Files.isDirectory(target)) {
          assertThat(target.resolve("kustomization.yaml")).exists();
        }
      }
    }
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

  @Test
  void theWorkerRoleGrantsNoWildcards() throws IOException {
    Role role = workerRole();
    assertThat(role.getRules())
        .allSatisfy(
            r -> {
              assertThat(r.getVerbs()).doesNotContain("*");
              assertThat(r.getResources()).doesNotContain("*");
            });
    assertThat(role.getRules()).anySatisfy(r -> assertThat(r.getResources()).contains("pods/log"));
  }

  @Test
  void theWorkerRoleAllowsEveryCallTheRunnerMakes() throws IOException {
    Role role = workerRole();
    // KubernetesJobRunner merges later jobs' entries into the build Secret, cancels by label, and
    // cancels a running job with clean-up steps by annotating its pod.
    assertThat(role.getRules())
        .anySatisfy(
            r -> {
              assertThat(r.getResources()).contains("secrets");
              assertThat(r.getVerbs()).contains("create", "patch", "delete");
            })
        .anySatisfy(
            r -> {
              assertThat(r.getResources()).contains("jobs");
              assertThat(r.getVerbs()).contains("create", "delete", "deletecollection", "watch");
            })
        .anySatisfy(
            r -> {
              assertThat(r.getApiGroups()).containsExactly("");
              assertThat(r.getResources()).containsExactly("pods");
              assertThat(r.getVerbs()).containsExactlyInAnyOrder("get", "list", "watch", "patch");
            });
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
