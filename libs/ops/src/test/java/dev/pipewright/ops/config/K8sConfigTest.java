package dev.pipewright.ops.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * k8s/config.yaml is a valid configuration that exposes the services safely: every interface of the
 * pod, API tokens required, TLS from files the Deployments mount from a Secret, probes over HTTPS;
 * the secret key file from its own Secret.
 */
class K8sConfigTest {
  private static final Path K8S = Path.of("../../k8s");

  @SuppressWarnings("unchecked")
  private static Map<String, Object> document(Path file) throws IOException {
    return (Map<String, Object>)
        new Load(LoadSettings.builder().build()).loadFromString(Files.readString(file));
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> firstDocument(Path file) throws IOException {
    return (Map<String, Object>)
        new Load(LoadSettings.builder().build())
            .loadAllFromString(Files.readString(file))
            .iterator()
            .next();
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object o) {
    return (Map<String, Object>) o;
  }

  @SuppressWarnings("unchecked")
  private static List<Object> list(Object o) {
    return o == null ? List.of() : (List<Object>) o;
  }

  private static PipewrightConfig config() throws IOException {
    Map<String, String> env = new HashMap<>();
    map(document(K8S.resolve("config.yaml")).get("data"))
        .forEach((k, v) -> env.put(k, String.valueOf(v)));
    return ConfigLoader.fromEnvironment(env);
  }

  @Test
  void theServicesBindEveryInterfaceWithTokensAndTls() throws IOException {
    PipewrightConfig config = config();
    Listeners listeners = config.listeners();
    assertThat(listeners.bindAddress()).isEqualTo("0.0.0.0");
    assertThat(listeners.authEnabled()).isTrue();
    assertThat(listeners.tls().enabled()).isTrue();
    assertThat(config.checkExposure(false)).isEmpty();
  }

  @Test
  void everyDeploymentMountsTheTlsFilesFromASecretAndProbesOverHttps() throws IOException {
    Listeners.Tls tls = config().listeners().tls();
    List<Path> files = new ArrayList<>(List.of(tls.certFile().get(), tls.keyFile().get()));
    tls.clientCaFile().ifPresent(files::add);
    for (String manifest : MANIFESTS) {
      for (Object c : list(pod(manifest).get("containers"))) {
        Map<String, Object> container = map(c);
        for (Path file : files) {
          assertThat(mountsFromSecret(manifest, container, file, "pipewright-tls"))
              .as("%s mounts %s from the Secret pipewright-tls", manifest, file)
              .isTrue();
        }
        for (String probe : List.of("readinessProbe", "livenessProbe")) {
          assertThat(map(map(container.get(probe)).get("httpGet")).get("scheme"))
              .as("%s %s", manifest, probe)
              .isEqualTo("HTTPS");
        }
      }
    }
  }

  @Test
  void everyDeploymentReadsTheSecretKeyFileFromItsSecret() throws IOException {
    Path keyFile = config().secretKeyFile().orElseThrow();
    for (String manifest : MANIFESTS) {
      for (Object c : list(pod(manifest).get("containers"))) {
        assertThat(mountsFromSecret(manifest, map(c), keyFile, "pipewright-secret-key"))
            .as("%s mounts %s from the Secret pipewright-secret-key", manifest, keyFile)
            .isTrue();
      }
    }
  }

  private static final List<String> MANIFESTS = List.of("entry-api.yaml", "pipeline-service.yaml");

  /** The pod spec of the manifest's first document: its Deployment. */
  private static Map<String, Object> pod(String manifest) throws IOException {
    Map<String, Object> deployment = firstDocument(K8S.resolve(manifest));
    return map(map(map(deployment.get("spec")).get("template")).get("spec"));
  }

  /** Whether {@code container} sees {@code file} under a read-only mount of that Secret. */
  private static boolean mountsFromSecret(
      String manifest, Map<String, Object> container, Path file, String secretName)
      throws IOException {
    List<String> volumes = new ArrayList<>();
    for (Object v : list(pod(manifest).get("volumes"))) {
      Object secret = map(v).get("secret");
      if (secret != null && secretName.equals(map(secret).get("secretName"))) {
        volumes.add((String) map(v).get("name"));
      }
    }
    return list(container.get("volumeMounts")).stream()
        .map(K8sConfigTest::map)
        .anyMatch(
            m ->
                volumes.contains(m.get("name"))
                    && Boolean.TRUE.equals(m.get("readOnly"))
                    && file.startsWith(Path.of((String) m.get("mountPath"))));
  }
}
