package dev.pipewright.executor.host.container;

import dev.pipewright.executor.RuntimeServices;
import dev.pipewright.executor.host.HostCommand;
import dev.pipewright.executor.host.HostProcess;
import dev.pipewright.executor.host.JobFiles;
import dev.pipewright.executor.host.JobHost;
import dev.pipewright.executor.host.JobPaths;
import dev.pipewright.executor.host.OutputReceiver;
import dev.pipewright.executor.host.ProvidedNode;
import dev.pipewright.executor.host.StepContainer;
import dev.pipewright.models.CiException;
import dev.pipewright.models.ErrorCode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One job in an OCI container on the worker's machine. The job's directories are those of a host of
 * the worker ({@code directories}, the process host), bind-mounted under {@code /github} and
 * nothing else of the worker; the container's main process is its own {@code /bin/sh} waiting on
 * stdin; every command is a {@code podman exec} of {@link ContainerShell#START}; the worker reads
 * and writes the job's files through the mounts. {@link #release} removes the container with
 * everything still running in it.
 */
final class ContainerHost implements JobHost {
  private static final Logger log = LoggerFactory.getLogger(ContainerHost.class);

  private final String job;
  private final JobHost directories;
  private final Podman podman;
  private final ContainerConfig config;
  private final ResourceLimits limits;
  private final JobContainer container;
  private final JobMounts mounts;
  private final JobPaths paths;
  private final MountedFiles files;
  private final Duration timeout;
  private final JobServices services;
  private final StepContainers stepContainers;
  private Consumer<String> jobLog = line -> {};

  private volatile JobContainer.Started started;

  /** The executor's Node.js mounted in the container; null when the worker has none. */
  private volatile ProvidedNode node;

  /** Why the executor's Node.js could not be mounted (a wrong setting), or null. */
  private volatile CiException nodeProblem;

  /** The job's mounts over the container's root file system, when the worker can see it. */
  private volatile JobMounts rootView;

  /** The loopback URL {@link #runtimeServices} checked the container's reach of; guarded. */
  private String probedUrl;

  /**
   * @param job names the job in errors
   * @param directories the worker-side host whose directories are mounted; it is prepared and
   *     released with this one, and runs nothing
   * @param services the job's services, in the container's network
   * @param timeout for each podman call that manages the container
   * @param stepContainers runs the job's docker steps beside its container, in its network
   */
  ContainerHost(
      String job,
      JobHost directories,
      Podman podman,
      JobContainer container,
      ContainerConfig config,
      JobServices services,
      ResourceLimits limits,
      Duration timeout,
      StepContainers stepContainers) {
    this.job = job;
    this.stepContainers = stepContainers;
    this.directories = directories;
    this.podman = podman;
    this.container = container;
    this.config = config;
    this.limits = limits;
    this.timeout = timeout;
    this.services = services;
    this.mounts = mountsOf(directories.paths());
    this.paths = pathsIn(mounts, directories.paths());
    this.files = new MountedFiles(mounts, this::isDirectoryInContainer);
  }

  /**
   * The worker's directories of a job mounted under {@code /github}: the workspace at {@code
   * /github/workspace}, the runner files at {@code /github/runner}, temp and tool cache there too
   * unless they lie inside those.
   */
  static JobMounts mountsOf(JobPaths worker) {
    Map<String, Path> mounted = new LinkedHashMap<>();
    mountUnlessInside(mounted, "workspace", worker.workspace());
    mountUnlessInside(mounted, "runner", worker.runnerFiles());
    mountUnlessInside(mounted, "temp", worker.temp());
    mountUnlessInside(mounted, "tool-cache", worker.toolCache());
    return new JobMounts(mounted);
  }

  /** The job's directories as its container sees them. */
  static JobPaths pathsIn(JobMounts mounts, JobPaths worker) {
    return new JobPaths(
        mounts.toContainer(Path.of(worker.workspace())),
        mounts.toContainer(Path.of(worker.temp())),
        mounts.toContainer(Path.of(worker.toolCache())),
        mounts.toContainer(Path.of(worker.runnerFiles())));
  }

  /** {@code /github/<name>} for a worker directory, unless one mounted already holds it. */
  private static void mountUnlessInside(Map<String, Path> mounted, String name, String dir) {
    Path p = Path.of(dir).toAbsolutePath().normalize();
    if (mounted.values().stream().noneMatch(p::startsWith)) {
      mounted.put(ContainerConfig.JOB_MOUNT + "/" + name, p);
    }
  }

  @Override
  public String kind() {
    return "container";
  }

  @Override
  public JobPaths paths() {
    return paths;
  }

  String containerName() {
    return container.name();
  }

  @Override
  public void prepare() throws IOException {
    directories.prepare();
    List<ContainerConfig> all = new ArrayList<>(services.configs());
    all.add(config);
    Optional<Path> authFile = RegistryAuth.writeAuthFile(Path.of(directories.paths().temp()), all);
    try {
      try {
        List<String> more = new ArrayList<>(services.holderArguments());
        more.addAll(mountNode());
        started = container.start(config, mounts, limits, more, authFile);
        rootView = started.rootfs().map(mounts::overRoot).orElse(null);
      } catch (Podman.Failure e) {
        throw new CiException(
            ErrorCode.PERMANENT,
            job + ": its container (image " + config.image() + ") did not start: " + e.reason(),
            e);
      }
      services.start(container.name(), authFile, jobLog);
    } finally {
      if (authFile.isPresent()) {
        Files.deleteIfExists(authFile.get());
      }
    }
  }

  /**
   * The worker's Node.js ({@link NodeBundle}) for the JavaScript actions of an image without one; a
   * bad setting fails only the steps that would use it.
   */
  private List<String> mountNode() throws IOException {
    Optional<ProvidedNode> worker;
    try {
      worker = directories.providedNode();
    } catch (CiException e) {
      nodeProblem = e;
      return List.of();
    }
    if (worker.isEmpty()) {
      return List.of();
    }
    NodeBundle bundle = NodeBundle.of(Path.of(worker.get().argv().getLast()));
    node = bundle.provided(worker.get().origin());
    return bundle.podmanArguments();
  }

  /** A {@code node} of the image first; the executor's, mounted at {@link NodeBundle#MOUNT}. */
  @Override
  public boolean prefersOwnNode() {
    return true;
  }

  @Override
  public Optional<ProvidedNode> providedNode() {
    if (nodeProblem != null) {
      throw nodeProblem;
    }
    return Optional.ofNullable(node);
  }

  @Override
  public void jobLog(Consumer<String> lines) {
    jobLog = lines;
  }

  @Override
  public Map<String, Object> servicesContext() {
    return services.context();
  }

  @Override
  public void stopServices() {
    services.stop(jobLog);
  }

  /**
   * The services at {@link HostLoopback#inContainer}; the first time, when the worker's URL is on
   * loopback and the container cannot reach the machine there, the job's log says so and why.
   */
  @Override
  public RuntimeServices runtimeServices(RuntimeServices s) {
    if (s == null || !HostLoopback.onLoopback(s.url())) {
      return s;
    }
    synchronized (this) {
      if (!s.url().equals(probedUrl)) {
        probedUrl = s.url();
        Optional<Path> hosts = running().hosts();
        hosts
            .flatMap(
                h ->
                    HostLoopback.unreachable(
                        s.url(), h, HostLoopback::connect, HostLoopback::certificateNames))
            .ifPresent(
                why -> {
                  log.warn("{}: {}", job, why);
                  jobLog.accept("##[warning]" + why);
                });
      }
    }
    return HostLoopback.inContainer(s);
  }

  @Override
  public Map<String, String> baseEnvironment() {
    return running().environment();
  }

  @Override
  public Map<String, Object> containerContext() {
    JobContainer.Started s = running();
    return Map.of("id", s.id(), "network", s.network());
  }

  /**
   * Looks in the container's root file system from the worker where podman shows it (no round
   * trip), else asks the container's shell.
   */
  @Override
  public Optional<String> findExecutable(String name, String path, String dir) throws IOException {
    JobMounts view = rootView;
    return view != null ? findInRoot(view, name, path, dir) : findByShell(name, path, dir);
  }

  /** {@link #findExecutable} through the worker's view of the container's files. */
  static Optional<String> findInRoot(JobMounts view, String name, String path, String dir) {
    List<String> candidates = new ArrayList<>();
    if (name.contains("/")) {
      candidates.add(name.startsWith("/") ? name : JobPaths.join(dir, name));
    } else {
      for (String entry : (path == null ? "" : path).split(":")) {
        if (!entry.isEmpty()) {
          candidates.add(
              JobPaths.join(entry.startsWith("/") ? entry : JobPaths.join(dir, entry), name));
        }
      }
    }
    for (String candidate : candidates) {
      try {
        Path file = view.resolve(candidate, true);
        if (Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS) && Files.isExecutable(file)) {
          return Optional.of(Path.of(candidate).normalize().toString());
        }
      } catch (IOException unreachable) {
        // A link out of the container's files, or too many: not this candidate.
      }
    }
    return Optional.empty();
  }

  /** {@link #findExecutable} by the container's shell, where the worker cannot see its files. */
  Optional<String> findByShell(String name, String path, String dir) throws IOException {
    Podman.Result r =
        podman.run(
            timeout,
            exec(
                ContainerShell.sh(
                    ContainerShell.FIND_EXECUTABLE, dir, List.of(name, path == null ? "" : path))));
    if (r.exitCode() != 0 && r.exitCode() != 1) {
      throw new IOException(
          job + ": looking up " + name + " in its container failed: " + r.reason());
    }
    return r.exitCode() == 0 ? Optional.of(r.stdout().strip()) : Optional.empty();
  }

  @Override
  public HostProcess start(HostCommand command, OutputReceiver output) throws IOException {
    // Beside the job's other runner files (a name of its own: the engine's are <id>.env and so
    // on), readable by the container's user only, gone once the shell read it.
    String envPath = JobPaths.join(paths.runnerFiles(), ".exec-" + command.id() + ".env");
    Path envFile = mounts.resolve(envPath, false);
    Files.deleteIfExists(envFile);
    Files.createFile(
        envFile,
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.writeString(
        envFile, ContainerShell.environmentFile(command.env()), StandardCharsets.UTF_8);
    mounts.adopt(envFile);
    List<String> args = new ArrayList<>(List.of("exec", "--workdir", command.workingDirectory()));
    args.add(container.name());
    args.addAll(ContainerShell.sh(ContainerShell.START, envPath, command.argv()));
    Process exec = podman.builder(args).redirectErrorStream(true).start();
    return new ContainerProcess(
        command.id(),
        job,
        exec,
        container,
        output,
        () -> {
          try {
            Files.deleteIfExists(envFile);
          } catch (IOException e) {
            log.warn("could not delete {}: {}", envFile, e.toString());
          }
        });
  }

  @Override
  public HostProcess startContainer(StepContainer step, OutputReceiver output) throws IOException {
    return stepContainers.start(step, output);
  }

  @Override
  public JobFiles files() {
    return files;
  }

  /** Removes the container and everything running in it, then the worker side's leftovers. */
  @Override
  public void release() {
    try {
      services.remove();
    } catch (IOException | RuntimeException e) {
      log.warn("{}: could not remove its services: {}", job, e.toString());
    }
    try {
      container.remove();
    } catch (IOException | RuntimeException e) {
      log.warn("{}: could not remove container {}: {}", job, container.name(), e.toString());
    }
    directories.release();
  }

  private boolean isDirectoryInContainer(String path) throws IOException {
    return podman
            .run(timeout, exec(ContainerShell.sh(ContainerShell.IS_DIRECTORY, path, List.of())))
            .exitCode()
        == 0;
  }

  private List<String> exec(List<String> command) {
    List<String> args = new ArrayList<>(List.of("exec", container.name()));
    args.addAll(command);
    return args;
  }

  private JobContainer.Started running() {
    JobContainer.Started s = started;
    if (s == null) {
      throw new IllegalStateException(job + ": the container host is not prepared");
    }
    return s;
  }
}
