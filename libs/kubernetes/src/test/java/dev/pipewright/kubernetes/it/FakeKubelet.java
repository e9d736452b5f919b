package dev.pipewright.kubernetes.it;

import dev.pipewright.kubernetes.runner.KubeNames;
import dev.pipewright.kubernetes.runner.PodLogs;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerStateBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretKeySelector;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The test's kubelet and Job controller: for each Pipewright Job it creates the pod, then runs each
 * init container's real command (the step wrapper) with this machine's /bin/sh, moving the pod's
 * container statuses through waiting → running → terminated (with the wrapper's termination
 * message) and serving the containers' logs with timestamps. The pod's volumes become directories
 * of a temp dir; the files volume is filled from the build's Secret, and the downward API volume
 * holds the pod's annotations, refreshed on every {@link #sync} as the kubelet refreshes it. Shared
 * with the worker's tests through this module's test-jar.
 */
public final class FakeKubelet implements PodLogs, AutoCloseable {
  private final KubernetesClient client;
  private final String namespace;
  private final Path root;
  private final ExecutorService pods = Executors.newVirtualThreadPerTaskExecutor();
  private final Set<String> seen = ConcurrentHashMap.newKeySet();
  private final Map<String, StringBuilder> logs = new ConcurrentHashMap<>();
  private final Map<String, CountDownLatch> holds = new ConcurrentHashMap<>();
  private final Map<String, Path> podinfos = new ConcurrentHashMap<>();
  private volatile boolean closed;

  public FakeKubelet(KubernetesClient client, String namespace, Path root) {
    this.client = client;
    this.namespace = namespace;
    this.root = root;
  }

  /** Makes the container with this name prefix wait (running) until {@link #release}. */
  public void hold(String containerPrefix) {
    holds.put(containerPrefix, new CountDownLatch(1));
  }

  /** Lets a held container run; releasing one not held (any more) does nothing. */
  public void release(String containerPrefix) {
    CountDownLatch hold = holds.remove(containerPrefix);
    if (hold != null) {
      hold.countDown();
    }
  }

  /**
   * Starts a pod for every Job seen for the first time and refreshes the downward API files of the
   * pods it runs; call it from a polling loop.
   */
  public void sync() {
    podinfos.forEach(
        (podName, dir) -> {
          Pod pod = client.pods().inNamespace(namespace).withName(podName).get();
          if (pod != null) {
            writeAnnotations(pod, dir);
          }
        });
    for (Job job :
        client
            .batch()
            .v1()
            .jobs()
            .inNamespace(namespace)
            .withLabel(KubeNames.MANAGED_BY, KubeNames.MANAGER)
            .list()
            .getItems()) {
      if (seen.add(job.getMetadata().getName())) {
        pods.execute(() -> runPod(job));
      }
    }
  }

  @Override
  public String read(String ns, String pod, String container) {
    StringBuilder log = logs.get(pod + "/" + container);
    if (log == null) {
      return "";
    }
    synchronized (log) {
      return log.toString();
    }
  }

  @Override
  public void close() {
    closed = true;
    holds.values().forEach(CountDownLatch::countDown);
    pods.shutdown();
    try {
      // Pod threads write into the test's temp dir: they must be done before it is deleted.
      pods.awaitTermination(20, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void runPod(Job job) {
    try {
      String podName = job.getMetadata().getName() + "-abcde";
      var spec = job.getSpec().getTemplate().getSpec();
      Path dir = Files.createDirectories(root.resolve(podName));
      Path files = Files.createDirectories(dir.resolve("files"));
      Path state = Files.createDirectories(dir.resolve("state"));
      Path podinfo = Files.createDirectories(dir.resolve("podinfo"));
      Path workspace = Files.createDirectories(root.resolve("workspace"));
      writeFiles(spec.getVolumes(), files);

      List<ContainerStatus> init = new ArrayList<>();
      for (Container c : spec.getInitContainers()) {
        init.add(waiting(c.getName()));
      }
      Pod pod =
          new PodBuilder()
              .withNewMetadata()
              .withName(podName)
              .withNamespace(namespace)
              .withLabels(job.getSpec().getTemplate().getMetadata().getLabels())
              .withAnnotations(job.getSpec().getTemplate().getMetadata().getAnnotations())
              .withCreationTimestamp(Instant.now().toString())
              .endMetadata()
              .withSpec(spec)
              .withNewStatus()
              .withPhase("Pending")
              .withInitContainerStatuses(init)
              .withContainerStatuses(waiting("finish"))
              .endStatus()
              .build();
      client.pods().inNamespace(namespace).resource(pod).create();
      writeAnnotations(pod, podinfo);
      podinfos.put(podName, podinfo);

      for (int i = 0; i < spec.getInitContainers().size() && !closed; i++) {
        Container c = spec.getInitContainers().get(i);
        init.set(i, running(c.getName()));
        pod = status(pod, init, waiting("finish"), "Pending");
        Result r = exec(podName, c, files, state, podinfo, workspace, dir.resolve("term-" + i));
        if (!jobExists(job)) {
          return;
        }
        init.set(i, terminated(c.getName(), r));
        pod = status(pod, init, waiting("finish"), "Pending");
      }
      Container finish = spec.getContainers().getFirst();
      Result r =
          exec(podName, finish, files, state, podinfo, workspace, dir.resolve("term-finish"));
      if (!jobExists(job)) {
        return;
      }
      pod = status(pod, init, terminated("finish", r), r.exit == 0 ? "Succeeded" : "Failed");
      try {
        client
            .batch()
            .v1()
            .jobs()
            .inNamespace(namespace)
            .withName(job.getMetadata().getName())
            .editStatus(
                current ->
                    new JobBuilder(current)
                        .withNewStatus()
                        .addToConditions(
                            new JobConditionBuilder()
                                .withType(r.exit == 0 ? "Complete" : "Failed")
                                .withStatus("True")
                                .withReason(r.exit == 0 ? null : "BackoffLimitExceeded")
                                .build())
                        .endStatus()
                        .build());
      } catch (KubernetesClientException e) {
        // Deleted once the pod ended (a released build): as with the real Job controller, fine.
        if (e.getCode() != HttpURLConnection.HTTP_NOT_FOUND) {
          throw e;
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      podinfos.remove(job.getMetadata().getName() + "-abcde");
    }
  }

  private boolean jobExists(Job job) {
    return client
            .batch()
            .v1()
            .jobs()
            .inNamespace(namespace)
            .withName(job.getMetadata().getName())
            .get()
        != null;
  }

  /** Edits the current pod's status, leaving what others changed (the runner's annotation). */
  private Pod status(Pod pod, List<ContainerStatus> init, ContainerStatus main, String phase) {
    return client
        .pods()
        .inNamespace(namespace)
        .withName(pod.getMetadata().getName())
        .editStatus(
            current ->
                new PodBuilder(current)
                    .editStatus()
                    .withPhase(phase)
                    .withInitContainerStatuses(new ArrayList<>(init))
                    .withContainerStatuses(main)
                    .endStatus()
                    .build());
  }

  /**
   * The kubelet's format ({@code key="value"} lines, sorted, values quoted) and its atomic swap, so
   * a wrapper never reads half a file.
   */
  private static void writeAnnotations(Pod pod, Path dir) {
    Map<String, String> annotations =
        pod.getMetadata().getAnnotations() == null ? Map.of() : pod.getMetadata().getAnnotations();
    String text =
        String.join(
            "\n",
            new java.util.TreeMap<>(annotations)
                .entrySet().stream()
                    .map(
                        e ->
                            e.getKey()
                                + "=\""
                                + e.getValue().replace("\\", "\\\\").replace("\"", "\\\"")
                                + "\"")
                    .toList());
    try {
      Path file = dir.resolve("annotations");
      if (Files.exists(file) && Files.readString(file).equals(text)) {
        return;
      }
      Path tmp = dir.resolve("annotations.tmp");
      Files.writeString(tmp, text);
      Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void writeFiles(List<Volume> volumes, Path files) throws IOException {
    for (Volume v : volumes) {
      if (v.getSecret() == null) {
        continue;
      }
      Secret secret =
          client.secrets().inNamespace(namespace).withName(v.getSecret().getSecretName()).get();
      for (KeyToPath item : v.getSecret().getItems()) {
        String data = secret.getData().get(item.getKey());
        Files.write(files.resolve(item.getPath()), Base64.getDecoder().decode(data));
      }
    }
  }

  private record Result(int exit, String message) {}

  private Result exec(
      String pod, Container c, Path files, Path state, Path podinfo, Path workspace, Path term)
      throws IOException, InterruptedException {
    for (Map.Entry<String, CountDownLatch> hold : holds.entrySet()) {
      if (c.getName().startsWith(hold.getKey())) {
        hold.getValue().await(30, TimeUnit.SECONDS);
      }
    }
    if (closed) {
      return new Result(137, "");
    }
    List<String> command = new ArrayList<>();
    for (String arg : c.getCommand()) {
      command.add(
          arg.replace("/pipewright/files", files.toString())
              .replace("/pipewright/state", state.toString()));
    }
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.environment().clear();
    pb.environment().put("PATH", "/usr/local/bin:/usr/bin:/bin");
    for (EnvVar e : c.getEnv()) {
      pb.environment()
          .put(
              e.getName(),
              e.getValueFrom() != null
                  ? secretValue(e.getValueFrom().getSecretKeyRef())
                  : e.getValue().replace("/workspace", workspace.toString()));
    }
    pb.environment().put("PW_STATE_DIR", state.toString());
    pb.environment().put("PW_FILES_DIR", files.toString());
    pb.environment().put("PW_PODINFO_DIR", podinfo.toString());
    pb.environment().put("PW_TERMINATION_LOG", term.toString());
    pb.redirectErrorStream(true);
    Process p = pb.start();
    StringBuilder log = logs.computeIfAbsent(pod + "/" + c.getName(), k -> new StringBuilder());
    try (var reader = p.inputReader(StandardCharsets.UTF_8)) {
      String line;
      while ((line = reader.readLine()) != null) {
        synchronized (log) {
          log.append(Instant.now()).append(' ').append(line).append('\n');
        }
      }
    }
    int exit = p.waitFor();
    String message = Files.exists(term) ? Files.readString(term) : "";
    return new Result(exit, message);
  }

  private String secretValue(SecretKeySelector ref) {
    Secret secret = client.secrets().inNamespace(namespace).withName(ref.getName()).get();
    return new String(
        Base64.getDecoder().decode(secret.getData().get(ref.getKey())), StandardCharsets.UTF_8);
  }

  private static ContainerStatus waiting(String name) {
    return new ContainerStatusBuilder()
        .withName(name)
        .withState(
            new ContainerStateBuilder()
                .withNewWaiting()
                .withReason("PodInitializing")
                .endWaiting()
                .build())
        .build();
  }

  private static ContainerStatus running(String name) {
    return new ContainerStatusBuilder()
        .withName(name)
        .withState(
            new ContainerStateBuilder()
                .withNewRunning()
                .withStartedAt(Instant.now().toString())
                .endRunning()
                .build())
        .build();
  }

  private static ContainerStatus terminated(String name, Result r) {
    return new ContainerStatusBuilder()
        .withName(name)
        .withState(
            new ContainerStateBuilder()
                .withNewTerminated()
                .withExitCode(r.exit)
                .withMessage(r.message)
                .withReason(r.exit == 0 ? "Completed" : "Error")
                .endTerminated()
                .build())
        .build();
  }
}
