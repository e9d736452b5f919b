package dev.pipewright.kubernetes.pod;

import dev.pipewright.executor.host.HostCommand;
import dev.pipewright.executor.host.HostProcess;
import dev.pipewright.executor.host.JobFiles;
import dev.pipewright.executor.host.JobHost;
import dev.pipewright.executor.host.JobPaths;
import dev.pipewright.executor.host.OutputReceiver;
import dev.pipewright.executor.host.ProvidedNode;
import dev.pipewright.executor.host.StepContainer;
import dev.pipewright.executor.host.container.ContainerConfig;
import dev.pipewright.executor.host.container.ContainerShell;
import dev.pipewright.models.CiException;
import dev.pipewright.models.ErrorCode;
import io.fabric8.kubernetes.api.model.HostAlias;
import io.fabric8.kubernetes.api.model.Pod;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One attempt of a job in a Kubernetes pod. The job's directories are those of a worker-side host
 * ({@code directories}) on the workspace volume, which the pod mounts at the same paths; the pod's
 * only process is the {@link PodAgent}, which runs what this host writes into the control
 * directory. Files are plain file I/O on the worker's mount; the API server is asked only to create
 * the Job (in {@link #prepare}) and, when the agent cannot be told, to delete it. Commands go on
 * running without the worker, so a successor {@link #reattach}es to them by id.
 */
final class PodHost implements JobHost {
  private static final Logger log = LoggerFactory.getLogger(PodHost.class);

  /** The pod's API side, as the factory provides it. */
  interface Pods {
    /** Creates the Job unless it exists (same name, same object). */
    void create(PodHost host) throws IOException;

    /** Deletes the Job and its pod; a missing one is fine. Never throws. */
    void delete(String jobName);

    /** The Job's pod as last seen, or null. */
    Pod pod(String jobName);

    /** What a container of the pod printed. */
    String log(String podName, String container) throws IOException;

    /** Deletes the Secrets made for the job's pod (registry credentials, services' env). */
    void deleteSecrets();

    /**
     * Starts a docker step's pod ({@link StepJobs}).
     *
     * @param services the job's service labels as names of its pod's IP, or null for none
     */
    HostProcess startStep(StepContainer step, HostAlias services, OutputReceiver output)
        throws IOException;
  }

  private final String job;
  private final String jobName;
  private final JobHost directories;
  private final Pods pods;
  private final Map<String, String> containerEnv;
  private final Path control;
  private final Duration poll;
  private final Duration startTimeout;
  private final Map<String, ContainerConfig> services;
  private final ProvidedNode node;
  private Consumer<String> jobLog = line -> {};
  private volatile Map<String, String> agentEnv;

  /** The name of the job's pod as last seen (a Job's pod is named by the cluster), or null. */
  private volatile String podName;

  /**
   * An earlier worker's agent ran in this attempt's pod: a pod missing now is gone (lost with its
   * node, say), not one still to be created.
   */
  private volatile boolean agentRanBefore;

  /**
   * @param job names the job in errors
   * @param directories the worker-side host whose directories the pod mounts; prepared and released
   *     with this one, it runs nothing
   * @param containerEnv {@code container.env}, laid over the image's environment
   * @param control the agent's control directory: one per attempt, in the job's runner directory
   * @param node the executor's Node.js in the pod (an init container's copy), or null for none
   */
  PodHost(
      String job,
      String jobName,
      JobHost directories,
      Pods pods,
      Map<String, String> containerEnv,
      Map<String, ContainerConfig> services,
      Path control,
      Duration poll,
      Duration startTimeout,
      ProvidedNode node) {
    this.job = job;
    this.jobName = jobName;
    this.directories = directories;
    this.pods = pods;
    this.containerEnv = Map.copyOf(containerEnv);
    this.services = new LinkedHashMap<>(services);
    this.control = control;
    this.poll = poll;
    this.startTimeout = startTimeout;
    this.node = node;
  }

  @Override
  public String kind() {
    return "pod";
  }

  /**
   * A docker step runs as a Job of its own beside the job's pod, mounting the job's directories of
   * the same volume at GitHub's paths ({@link StepJobs}). Its pod has a network of its own, so the
   * job's service labels name the job's pod there, where the sidecars listen: a docker step reaches
   * a service as {@code <label>:<container port>}, as on GitHub, where it joins the job's network
   * (ContainerStepHost.cs, {@code container.ContainerNetwork}).
   */
  @Override
  public HostProcess startContainer(StepContainer step, OutputReceiver output) throws IOException {
    HostAlias aliases =
        services.isEmpty() ? null : StepJobs.servicesAt(pods.pod(jobName), services.keySet(), job);
    return pods.startStep(step, aliases, output);
  }

  @Override
  public JobPaths paths() {
    return directories.paths();
  }

  Path control() {
    return control;
  }

  /**
   * Creates the Job (again: the name is the same) and waits for its agent, which starts once every
   * service's startup probe passed (native sidecars); a service that fails first fails the job.
   */
  @Override
  public void prepare() throws IOException {
    directories.prepare();
    Files.createDirectories(control);
    agentRanBefore = Files.exists(control.resolve(PodAgent.READY));
    pods.create(this);
    services.keySet().forEach(label -> jobLog.accept("Starting " + label + " service container"));
    if (!services.isEmpty()) {
      jobLog.accept("Waiting for all services to be ready");
    }
    long deadline = System.nanoTime() + startTimeout.toNanos();
    Path ready = control.resolve(PodAgent.READY);
    try {
      while (!Files.exists(ready)) {
        Optional<CiException> failed = failure();
        if (failed.isEmpty() && !services.isEmpty()) {
          failed =
              PodFailures.services(pods.pod(jobName))
                  .map(e -> new CiException(e.code(), job + ": " + e.getMessage()));
        }
        if (failed.isPresent()) {
          throw failed.get();
        }
        if (System.nanoTime() - deadline > 0) {
          throw new CiException(
              ErrorCode.INFRASTRUCTURE,
              job + ": its pod (Job " + jobName + ") did not start within " + startTimeout);
        }
        Thread.sleep(poll.toMillis());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CiException(ErrorCode.TRANSIENT, job + ": interrupted waiting for its pod", e);
    }
    agentEnv = PodAgent.environment(Files.readAllBytes(ready));
    // Its name for errors and service logs, even when the agent was ready at the first look.
    Pod pod = pods.pod(jobName);
    if (pod != null) {
      podName = pod.getMetadata().getName();
    }
    services.keySet().forEach(label -> jobLog.accept(label + " service is healthy."));
  }

  @Override
  public void jobLog(Consumer<String> lines) {
    jobLog = lines;
  }

  /**
   * Each label's {@code ports}: a service is reached on its own port, by its label or on localhost,
   * since the pod's containers share one network.
   */
  @Override
  public Map<String, Object> servicesContext() {
    Map<String, Object> context = new LinkedHashMap<>();
    services.forEach(
        (label, s) -> {
          Map<String, Object> ports = new LinkedHashMap<>();
          s.containerPorts()
              .forEach(
                  p -> ports.put(p.substring(0, p.indexOf('/')), p.substring(0, p.indexOf('/'))));
          context.put(
              label,
              Map.of("id", PodManifests.serviceContainer(label), "network", "", "ports", ports));
        });
    return context;
  }

  /**
   * GitHub's "Stop containers": each service's log to the job's log; the sidecars stop with the pod
   * when the agent is released.
   */
  @Override
  public void stopServices() {
    String pod = podName;
    for (String label : services.keySet()) {
      if (pod == null) {
        break;
      }
      try {
        String text = pods.log(pod, PodManifests.serviceContainer(label));
        jobLog.accept("##[group]Print service container logs: " + label);
        text.lines().forEach(jobLog);
        jobLog.accept("##[endgroup]");
      } catch (IOException | RuntimeException e) {
        jobLog.accept(
            "##[warning]could not read the log of service " + label + ": " + e.getMessage());
      }
    }
    services.keySet().forEach(label -> jobLog.accept("Stop and remove container: " + label));
  }

  /** The image's {@code node} first, else the executor's that the pod's init container copied. */
  @Override
  public boolean prefersOwnNode() {
    return true;
  }

  @Override
  public Optional<ProvidedNode> providedNode() {
    return Optional.ofNullable(node);
  }

  /** The image's environment as the agent got it, {@code container.env} over it. */
  @Override
  public Map<String, String> baseEnvironment() {
    Map<String, String> agent = agentEnv;
    if (agent == null) {
      throw new IllegalStateException(job + ": the pod host is not prepared");
    }
    Map<String, String> env = new LinkedHashMap<>(agent);
    env.putAll(containerEnv);
    return env;
  }

  /** Asks the pod's shell: the image's files are not on the volume. */
  @Override
  public Optional<String> findExecutable(String name, String path, String dir) throws IOException {
    String id = "find-" + UUID.randomUUID();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    List<String> argv =
        ContainerShell.sh(
            ContainerShell.FIND_EXECUTABLE, dir, List.of(name, path == null ? "" : path));
    HostProcess p =
        start(
            new HostCommand(id, argv, baseEnvironment(), "/"),
            (offset, bytes, from, length) -> out.write(bytes, from, length));
    try {
      OptionalInt exit = p.waitFor(startTimeout);
      p.drain(Duration.ZERO);
      if (exit.isEmpty() || exit.getAsInt() > 1) {
        throw new IOException(
            job
                + ": looking up "
                + name
                + " in its pod failed: "
                + out.toString(StandardCharsets.UTF_8));
      }
      return exit.getAsInt() == 0
          ? Optional.of(out.toString(StandardCharsets.UTF_8).strip())
          : Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(job + ": interrupted looking up " + name, e);
    } finally {
      for (String suffix : List.of(PodAgent.LOG, PodAgent.EXIT)) {
        Files.deleteIfExists(control.resolve(id + suffix));
      }
    }
  }

  /**
   * Writes the command's script (the environment in it, so readable by its owner only) and returns
   * at once; the agent claims it within its tick.
   */
  @Override
  public HostProcess start(HostCommand command, OutputReceiver output) throws IOException {
    String script = PodAgent.commandScript(command, agentEnvNames());
    writeAtomically(
        control, command.id() + PodAgent.COMMAND, script.getBytes(StandardCharsets.UTF_8));
    return new PodProcess(command.id(), control, 0, output, poll, this::failure);
  }

  @Override
  public boolean supportsReattach() {
    return true;
  }

  /** Any file of the command says an earlier worker started it: waiting, running or ended. */
  @Override
  public Optional<HostProcess> reattach(String id, long fromOffset, OutputReceiver output) {
    for (String suffix :
        List.of(PodAgent.COMMAND, PodAgent.CLAIMED, PodAgent.PID, PodAgent.EXIT, PodAgent.LOG)) {
      if (Files.exists(control.resolve(id + suffix))) {
        return Optional.of(new PodProcess(id, control, fromOffset, output, poll, this::failure));
      }
    }
    return Optional.empty();
  }

  @Override
  public JobFiles files() {
    return directories.files();
  }

  /**
   * Tells the agent to kill what is left and exit, which ends the pod and completes the Job (its
   * TTL then removes it): no API write. A pod whose agent never ran, or that failed, is deleted.
   */
  @Override
  public void release() {
    boolean told = false;
    if (agentEnv != null && failure().isEmpty()) {
      try {
        writeAtomically(control, PodAgent.RELEASE, new byte[0]);
        told = true;
      } catch (IOException | RuntimeException e) {
        log.warn("{}: could not tell its pod agent to stop: {}", job, e.toString());
      }
    }
    if (!told) {
      pods.delete(jobName);
    }
    pods.deleteSecrets();
    directories.release();
  }

  /** What failed under the job: its agent stopped, or its pod as the API server shows it. */
  Optional<CiException> failure() {
    try {
      String why = Files.readString(control.resolve(PodAgent.STOPPED)).strip();
      return Optional.of(
          new CiException(
              ErrorCode.INFRASTRUCTURE,
              job
                  + ": the agent of pod "
                  + podOrJobName()
                  + " stopped ("
                  + why
                  + ") while the job ran"));
    } catch (NoSuchFileException e) {
      // Running.
    } catch (IOException e) {
      log.debug("{}: cannot read the agent's state: {}", job, e.toString());
    }
    var pod = pods.pod(jobName);
    if (pod != null) {
      podName = pod.getMetadata().getName();
    }
    // A pod deleted is gone from the API server: its error names it as it was last seen.
    return PodFailures.of(podOrJobName(), pod, podName != null || agentRanBefore)
        .map(e -> new CiException(e.code(), job + ": " + e.getMessage()));
  }

  private String podOrJobName() {
    String name = podName;
    return name != null ? name : jobName;
  }

  private Set<String> agentEnvNames() {
    Map<String, String> agent = agentEnv;
    return agent == null ? Set.of() : agent.keySet();
  }

  /**
   * Writes a file the agent acts on: whole under a name it ignores (a dot file, readable by its
   * owner only), then renamed into place, so it never sees half of one.
   */
  static void writeAtomically(Path dir, String name, byte[] content) throws IOException {
    Path tmp = dir.resolve("." + name + ".tmp");
    Files.deleteIfExists(tmp);
    Files.createFile(
        tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.write(tmp, content);
    Files.move(tmp, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE);
  }
}
