package dev.pipewright.kubernetes.pod;

import dev.pipewright.executor.host.container.ContainerConfig;
import dev.pipewright.executor.host.container.RegistryAuth;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Secrets one attempt of a job's pod needs, as a pure function of its containers: the registry
 * credentials of its images ({@code <job>-pull}, a {@code kubernetes.io/dockerconfigjson} Secret
 * the pod names in {@code imagePullSecrets}) and its services' environment ({@code <job>-env}, one
 * key per variable, {@link PodManifests#envKey}), since either may hold the build's secrets, which
 * never go in a Job. Both carry the job's labels and the build's owner reference, and are deleted
 * with the job.
 *
 * @param pullSecret the pull Secret's name, or null without credentials
 * @param envSecret the env Secret's name, or null when no service has variables
 */
record JobSecrets(
    String pullSecret, String dockerConfig, String envSecret, Map<String, String> env) {

  static JobSecrets of(
      String jobName, ContainerConfig container, Map<String, ContainerConfig> services) {
    List<ContainerConfig> all = new ArrayList<>(services.values());
    if (container != null) {
      all.add(container);
    }
    String dockerConfig = RegistryAuth.dockerConfig(all).orElse(null);
    Map<String, String> env = new LinkedHashMap<>();
    services.forEach(
        (label, s) -> s.env().forEach((k, v) -> env.put(PodManifests.envKey(label, k), v)));
    return new JobSecrets(
        dockerConfig == null ? null : jobName + "-pull",
        dockerConfig,
        env.isEmpty() ? null : jobName + "-env",
        env);
  }

  boolean isEmpty() {
    return pullSecret == null && envSecret == null;
  }

  List<String> names() {
    List<String> names = new ArrayList<>();
    if (pullSecret != null) {
      names.add(pullSecret);
    }
    if (envSecret != null) {
      names.add(envSecret);
    }
    return names;
  }

  List<Secret> manifests(String namespace, Map<String, String> labels, OwnerReference owner) {
    List<Secret> secrets = new ArrayList<>();
    if (pullSecret != null) {
      secrets.add(
          secret(namespace, pullSecret, labels, owner)
              .withType("kubernetes.io/dockerconfigjson")
              .withStringData(Map.of(".dockerconfigjson", dockerConfig))
              .build());
    }
    if (envSecret != null) {
      secrets.add(
          secret(namespace, envSecret, labels, owner)
              .withType("Opaque")
              .withStringData(env)
              .build());
    }
    return secrets;
  }

  private static SecretBuilder secret(
      String namespace, String name, Map<String, String> labels, OwnerReference owner) {
    return new SecretBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(namespace)
        .withLabels(labels)
        .withOwnerReferences(owner)
        .endMetadata()
        .withImmutable(false);
  }

  @Override
  public String toString() {
    return "JobSecrets[" + names() + "]";
  }
}
