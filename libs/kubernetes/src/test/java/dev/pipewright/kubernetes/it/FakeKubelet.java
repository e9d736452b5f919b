package dev.pipewright.kubernetes.it;

import dev.pipewright.kubernetes.runner.KubeNames;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerStateBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tests' kubelet and Job controller for the pod host: for each Pipewright Job it creates the
 * pod and runs its container's command (the pod agent) as a real local process of this machine's
 * {@code /bin/sh}, moving the pod and container statuses as a kubelet does (Pending, Running,
 * Succeeded or Failed) and completing the Job. The workspace volume is the test's temp dir: the pod
 * host mounts each directory at the path the worker sees it under, which this double checks rather
 * than translates. A Job deleted by the worker stops its pod; {@link #deletePod} deletes a pod
 * mid-step as an eviction does. Shared with the worker's tests through this module's test-jar.
 */
public final class FakeKubelet implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(FakeKubelet.class);

  /** The label of a docker step's Job and pod (the pod host's {@code StepJobs.STEP_LABEL}). */
  private static final String STEP_LABEL = "pipewright.dev/step";

  /** How long a deleted pod's agent has between SIGTERM and SIGKILL (the grace period). */
  private static final long GRACE_MILLIS = 2_000;

  private final KubernetesClient client;
  private final String namespace;
  private final Path root;
  private final Map<String, Path> podLogs;

  /** Pods of docker steps ({@link FakeStepContainers}), by pod name. */
  private final java.util.Set<String> stepPods = ConcurrentHashMap.newKeySet();

  private final Map<String, Running> pods = new ConcurrentHashMap<>();
  private final AtomicInteger ips = new AtomicInteger();
  private final ScheduledExecutorService loop =
      Executors.newSingleThreadScheduledExecutor(
          Thread.ofPlatform().daemon().name("fake-kubelet").factory());
  private volatile boolean closed;

  /** A pod this kubelet runs: its name, its Job's, its container's and its agent (or null). */
  private record Running(String pod, String job, String container, Process agent) {}

  /**
   * @param root the workspace volume: every mount of it must be at {@code root/<subPath>}
   */
  public FakeKubelet(KubernetesClient client, String namespace, Path root) {
    this(client, namespace, root, new ConcurrentHashMap<>());
  }

  /**
   * @param podLogs where the mock API server looks up a pod's log ({@code MockApi.podLogs()}): a
   *     docker step pod's output file is put there
   */
  public FakeKubelet(
      KubernetesClient client, String namespace, Path root, Map<String, Path> podLogs) {
    this.podLogs = podLogs;
    this.client = client;
    this.namespace = namespace;
    this.root = root.toAbsolutePath().normalize();
    loop.scheduleWithFixedDelay(this::syncSafely, 0, 50, TimeUnit.MILLISECONDS);
  }

  /** How many pods this kubelet has started. */
  public int started() {
    return pods.size();
  }

  /**
   * Deletes the Job's pod as an eviction does: the pod gets a {@code DisruptionTarget} condition
   * and leaves the API server, its agent SIGTERM, and whatever is left SIGKILL after the grace.
   */
  public void deletePod(String jobName) {
    Running r = pods.get(jobName);
    if (r == null || r.agent() == null) {
      throw new IllegalStateException("no pod of Job " + jobName + " runs here");
    }
    try {
      client
          .pods()
          .inNamespace(namespace)
          .withName(r.pod())
          .editStatus(
              p ->
                  new PodBuilder(p)
                      .editStatus()
                      .addToConditions(
                          new PodConditionBuilder()
                              .withType("DisruptionTarget")
                              .withStatus("True")
                              .withReason("EvictionByEvictionAPI")
                              .withMessage("Eviction API: evicting")
                              .build())
                      .endStatus()
                      .build());
    } finally {
      client.pods().inNamespace(namespace).withName(r.pod()).delete();
      stop(r);
    }
  }

  @Override
  public void close() {
    closed = true;
    loop.shutdownNow();
    pods.values().stream().filter(r -> r.agent() != null).forEach(r -> kill(r.agent()));
  }

  private void syncSafely() {
    try {
      sync();
    } catch (RuntimeException e) {
      log.warn("fake kubelet pass failed: {}", e.toString());
    }
  }

  /** Starts a pod for each new Job; stops the pods of Jobs deleted. */
  private void sync() {
    List<Job> jobs =
        client
            .batch()
            .v1()
            .jobs()
            .inNamespace(namespace)
            .withLabel(KubeNames.MANAGED_BY, KubeNames.MANAGER)
            .list()
            .getItems();
    List<String> names = jobs.stream().map(j -> j.getMetadata().getName()).toList();
    for (Job job : jobs) {
      if (!closed && !pods.containsKey(job.getMetadata().getName())) {
        start(job);
      }
    }
    for (Running r : pods.values()) {
      if (!names.contains(r.job()) && r.agent() != null && r.agent().isAlive()) {
        stop(r);
        client.pods().inNamespace(namespace).withName(r.pod()).delete();
      }
    }
  }

  private void start(Job job) {
    String jobName = job.getMetadata().getName();
    String podName = jobName + "-" + Long.toString(System.nanoTime() % 100_000, 36);
    var spec = job.getSpec().getTemplate().getSpec();
    Container c = spec.getContainers().getFirst();
    List<Container> sidecars =
        spec.getInitContainers() == null
            ? List.of()
            : spec.getInitContainers().stream()
                .filter(i -> "Always".equals(i.getRestartPolicy()))
                .toList();
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
            // As the kubelet gives each pod its own address once its sandbox is made.
            .withPodIP("10.244.0." + (ips.incrementAndGet() % 250 + 2))
            .withContainerStatuses(waiting(c.getName()))
            .withInitContainerStatuses(
                sidecars.stream().map(i -> FakeSidecars.status(i.getName(), false, 0)).toList())
            .endStatus()
            .build();
    client.pods().inNamespace(namespace).resource(pod).create();
    if (job.getMetadata().getLabels().containsKey(STEP_LABEL)) {
      stepPods.add(podName);
      Path out = root.resolve(".log-" + podName);
      podLogs.put(podName, out);
      run(
          jobName,
          podName,
          c,
          () ->
              FakeStepContainers.start(
                  client, namespace, root, podName, c, spec.getHostAliases(), out));
    } else if (sidecars.isEmpty()) {
      runAgent(jobName, podName, c);
    } else {
      pods.put(jobName, new Running(podName, jobName, c.getName(), null));
      sidecars(podName, sidecars, () -> runAgent(jobName, podName, c));
    }
  }

  /** Plays the pod's native sidecars, then calls {@code then} once all of them started. */
  private void sidecars(String podName, List<Container> sidecars, Runnable then) {
    new FakeSidecars(client, namespace, loop, () -> closed).start(podName, sidecars, then);
  }

  /** Starts the pod's agent: its container runs. */
  private void runAgent(String jobName, String podName, Container c) {
    run(jobName, podName, c, () -> agent(podName, c));
  }

  /** How a pod's container is started here. */
  @FunctionalInterface
  private interface Starter {
    Process start() throws IOException;
  }

  private void run(String jobName, String podName, Container c, Starter starter) {
    Process agent;
    try {
      agent = starter.start();
    } catch (IOException | IllegalStateException e) {
      log.warn("pod {} cannot start: {}", podName, e.toString());
      status(podName, "Pending", waitingFatal(c.getName(), e.getMessage()));
      pods.put(jobName, new Running(podName, jobName, c.getName(), null));
      return;
    }
    Running r = new Running(podName, jobName, c.getName(), agent);
    pods.put(jobName, r);
    status(podName, "Running", running(c.getName()));
    agent.onExit().thenAccept(p -> ended(r, p.exitValue()));
  }

  private Process agent(String podName, Container c) throws IOException {
    checkMounts(c);
    ProcessBuilder pb = new ProcessBuilder(command(c));
    Path home = Files.createDirectories(root.resolve(".home-" + podName));
    pb.environment().clear();
    pb.environment().put("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
    pb.environment().put("HOSTNAME", podName);
    pb.environment().put("HOME", home.toString());
    for (EnvVar e : c.getEnv() == null ? List.<EnvVar>of() : c.getEnv()) {
      pb.environment().put(e.getName(), e.getValue());
    }
    pb.redirectErrorStream(true);
    pb.redirectOutput(root.resolve(".log-" + podName).toFile());
    return pb.start();
  }

  /** Each mount of the workspace volume must show {@code root/<subPath>} at that very path. */
  private void checkMounts(Container c) {
    for (VolumeMount m : c.getVolumeMounts()) {
      Path expected = root.resolve(m.getSubPath() == null ? "" : m.getSubPath()).normalize();
      if (!expected.equals(Path.of(m.getMountPath()).normalize())) {
        throw new IllegalStateException(
            "mount " + m.getMountPath() + " is not the worker's path of " + m.getSubPath());
      }
    }
  }

  /**
   * The agent as the main process of a PID namespace of its own where the machine allows one
   * (root), as a container runtime runs it: when it ends, the kernel kills every process left in
   * it, so a step the agent could no longer signal (its control directory deleted under it) does
   * not outlive its pod. Its own {@code /proc} lets the agent read {@code /proc/$$/environ}.
   */
  private static final List<String> CONTAINER = containerPrefix();

  private static List<String> containerPrefix() {
    List<String> prefix =
        List.of("unshare", "--pid", "--fork", "--mount-proc", "--kill-child=SIGKILL");
    try {
      List<String> probe = new ArrayList<>(prefix);
      probe.add("true");
      Process p = new ProcessBuilder(probe).redirectErrorStream(true).start();
      p.getInputStream().transferTo(OutputStream.nullOutputStream());
      if (p.waitFor() == 0) {
        return prefix;
      }
    } catch (IOException e) {
      log.debug("unshare cannot run: {}", e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    log.warn("no PID namespace for the pods' agents: a step outliving its agent is not killed");
    return List.of();
  }

  private static List<String> command(Container c) {
    List<String> argv = new ArrayList<>(CONTAINER);
    argv.addAll(c.getCommand());
    if (c.getArgs() != null) {
      argv.addAll(c.getArgs());
    }
    return argv;
  }

  /** The agent ended: the container terminated, the pod and its Job with it. */
  private void ended(Running r, int exit) {
    if (closed) {
      return;
    }
    try {
      status(r.pod(), exit == 0 ? "Succeeded" : "Failed", terminated(r.container(), exit));
      client
          .batch()
          .v1()
          .jobs()
          .inNamespace(namespace)
          .withName(r.job())
          .editStatus(
              current ->
                  new JobBuilder(current)
                      .withNewStatus()
                      .addToConditions(
                          new JobConditionBuilder()
                              .withType(exit == 0 ? "Complete" : "Failed")
                              .withStatus("True")
                              .build())
                      .endStatus()
                      .build());
    } catch (KubernetesClientException e) {
      // The pod or Job is gone already (deleted): as with the real controllers, fine.
      log.debug("{} ended after its objects: {}", r.pod(), e.toString());
    }
  }

  /** SIGTERM to the agent, SIGKILL to all it started after the grace, as a kubelet stops a pod. */
  private void stop(Running r) {
    if (stepPods.contains(r.pod())) {
      Thread.ofVirtual().start(() -> FakeStepContainers.remove(r.pod()));
      return;
    }
    agentOf(r.agent()).destroy();
    Thread.ofVirtual()
        .start(
            () -> {
              try {
                r.agent().waitFor(GRACE_MILLIS, TimeUnit.MILLISECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              kill(r.agent());
            });
  }

  /**
   * The agent itself: under {@code unshare}, its only child. {@code unshare --fork} blocks SIGTERM
   * while it waits, so a SIGTERM to it would never reach the agent; its {@code --kill-child} only
   * takes the agent down with it when it is killed.
   */
  private static ProcessHandle agentOf(Process p) {
    return CONTAINER.isEmpty() ? p.toHandle() : p.children().findFirst().orElse(p.toHandle());
  }

  /** The whole pod: the agent and every process under it (a container's PID namespace dies). */
  private static void kill(Process agent) {
    agent.descendants().forEach(ProcessHandle::destroyForcibly);
    agent.destroyForcibly();
  }

  private void status(String podName, String phase, ContainerStatus container) {
    try {
      client
          .pods()
          .inNamespace(namespace)
          .withName(podName)
          .editStatus(
              current ->
                  new PodBuilder(current)
                      .editStatus()
                      .withPhase(phase)
                      .withContainerStatuses(container)
                      .endStatus()
                      .build());
    } catch (KubernetesClientException e) {
      log.debug("pod {} is gone: {}", podName, e.toString());
    }
  }

  private static ContainerStatus waiting(String name) {
    return new ContainerStatusBuilder()
        .withName(name)
        .withState(
            new ContainerStateBuilder()
                .withNewWaiting()
                .withReason("ContainerCreating")
                .endWaiting()
                .build())
        .build();
  }

  private static ContainerStatus waitingFatal(String name, String message) {
    return new ContainerStatusBuilder()
        .withName(name)
        .withState(
            new ContainerStateBuilder()
                .withNewWaiting()
                .withReason("CreateContainerError")
                .withMessage(message)
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

  private static ContainerStatus terminated(String name, int exit) {
    return new ContainerStatusBuilder()
        .withName(name)
        .withState(
            new ContainerStateBuilder()
                .withNewTerminated()
                .withExitCode(exit)
                .withReason(exit == 0 ? "Completed" : "Error")
                .endTerminated()
                .build())
        .build();
  }
}
