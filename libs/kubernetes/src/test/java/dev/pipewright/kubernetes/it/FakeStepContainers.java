package dev.pipewright.kubernetes.it;

import dev.pipewright.executor.host.container.ResourceLimits;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.HostAlias;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The {@link FakeKubelet}'s docker step pods: their container really runs, in podman (the tests'
 * local images), as a kubelet would run it: the image with {@code command} as its entry point and
 * {@code args}, {@code workingDir}, each {@code subPath} of the workspace volume (the test's root)
 * bind-mounted at its {@code mountPath}, the environment of its {@code envFrom} Secret, the pod's
 * {@code hostAliases} in its {@code /etc/hosts}; its output is the pod's log, which the mock API
 * server serves.
 */
final class FakeStepContainers {
  private FakeStepContainers() {}

  /** Starts the pod's container; its output goes to {@code logFile}. */
  static Process start(
      KubernetesClient client,
      String namespace,
      Path root,
      String podName,
      Container c,
      List<HostAlias> aliases,
      Path log)
      throws IOException {
    List<String> argv = new ArrayList<>(List.of("podman", "run", "--rm", "--name", podName));
    // The limits podman's defaults exceed on these machines, as the container host passes them.
    argv.addAll(ResourceLimits.ofWorker().podmanArguments());
    for (HostAlias a : aliases == null ? List.<HostAlias>of() : aliases) {
      a.getHostnames().forEach(name -> argv.addAll(List.of("--add-host", name + ":" + a.getIp())));
    }
    if (c.getWorkingDir() != null) {
      argv.addAll(List.of("--workdir", c.getWorkingDir()));
    }
    for (VolumeMount m : c.getVolumeMounts()) {
      Path dir = root.resolve(m.getSubPath() == null ? "" : m.getSubPath()).normalize();
      argv.addAll(List.of("--volume", dir + ":" + m.getMountPath()));
    }
    Map<String, String> env = env(client, namespace, c);
    env.keySet().forEach(k -> argv.addAll(List.of("-e", k)));
    if (c.getCommand() != null && !c.getCommand().isEmpty()) {
      argv.addAll(List.of("--entrypoint", c.getCommand().getFirst()));
    }
    argv.add(c.getImage());
    if (c.getCommand() != null && c.getCommand().size() > 1) {
      argv.addAll(c.getCommand().subList(1, c.getCommand().size()));
    }
    if (c.getArgs() != null) {
      argv.addAll(c.getArgs());
    }
    ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true);
    pb.redirectOutput(log.toFile());
    pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    pb.environment().putAll(env);
    return pb.start();
  }

  /** Removes the container at once, as a pod deleted with no grace. */
  static void remove(String podName) {
    try {
      Process p =
          new ProcessBuilder("podman", "rm", "--force", "--time", "0", "--ignore", podName)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      p.waitFor(60, TimeUnit.SECONDS);
    } catch (IOException e) {
      throw new IllegalStateException("podman rm " + podName + " failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The variables of the container's {@code envFrom} Secrets (data or stringData). */
  private static Map<String, String> env(KubernetesClient client, String namespace, Container c) {
    Map<String, String> env = new LinkedHashMap<>();
    for (EnvFromSource from : c.getEnvFrom() == null ? List.<EnvFromSource>of() : c.getEnvFrom()) {
      Secret s =
          client.secrets().inNamespace(namespace).withName(from.getSecretRef().getName()).get();
      if (s == null) {
        throw new IllegalStateException("no Secret " + from.getSecretRef().getName());
      }
      if (s.getData() != null) {
        s.getData()
            .forEach(
                (k, v) ->
                    env.put(k, new String(Base64.getDecoder().decode(v), StandardCharsets.UTF_8)));
      }
      if (s.getStringData() != null) {
        env.putAll(s.getStringData());
      }
    }
    return env;
  }
}
