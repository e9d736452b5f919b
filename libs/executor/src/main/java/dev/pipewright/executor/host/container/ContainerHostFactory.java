package dev.pipewright.executor.host.container;

import dev.pipewright.executor.JobRun;
import dev.pipewright.executor.engine.ContextBuilder;
import dev.pipewright.executor.host.JobHost;
import dev.pipewright.executor.host.JobHostFactory;
import dev.pipewright.executor.host.JobPaths;
import dev.pipewright.models.CiException;
import dev.pipewright.models.ErrorCode;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hosts for a worker that runs jobs on its own machine: a job that sets {@code container:} runs in
 * a container of podman (found on the worker's PATH), over the directories the worker-side factory
 * gives it, with its {@code services:} in that container's network; a job with services and no
 * container runs on the worker-side factory's host with its services beside it; every other job is
 * that factory's own (the process host).
 */
public final class ContainerHostFactory implements JobHostFactory {
  private static final Logger log = LoggerFactory.getLogger(ContainerHostFactory.class);
  private static final Pattern UNSAFE = Pattern.compile("[^A-Za-z0-9_.-]");

  /** For each podman call that manages a container (start, inspect, remove, signal). */
  static final Duration PODMAN_TIMEOUT = Duration.ofMinutes(5);

  private final JobHostFactory directories;
  private final String runnerName;
  private final Optional<Podman> podman;
  private final ResourceLimits limits;

  /**
   * Builds with a container job opened here: only their release asks podman for leftovers, so a
   * build of plain process jobs costs no podman call (one `podman ps` is tens of ms of CPU).
   */
  private final Set<String> buildsWithContainers = ConcurrentHashMap.newKeySet();

  /**
   * @param directories makes the worker-side host of every job: the host of jobs without a
   *     container, and the directories of those with one
   * @param runnerName {@code runner.name}, for the expressions of {@code container:}
   */
  public ContainerHostFactory(JobHostFactory directories, String runnerName) {
    this(directories, runnerName, Podman.onPath(System.getenv("PATH")), ResourceLimits.ofWorker());
  }

  ContainerHostFactory(
      JobHostFactory directories,
      String runnerName,
      Optional<Podman> podman,
      ResourceLimits limits) {
    this.directories = directories;
    this.runnerName = runnerName;
    this.podman = podman;
    this.limits = limits;
  }

  /** Whether podman is on this process's {@code PATH}, as a worker here would find it. */
  public static boolean containerEngineOnPath() {
    return Podman.onPath(System.getenv("PATH")).isPresent();
  }

  @Override
  public JobHost open(JobRun run) {
    JobHost worker = directories.open(run);
    boolean hasServices = run.job().services() != null && !run.job().services().isEmpty();
    String job = "job '" + run.jobKey() + "'";
    if (run.job().container() == null && !hasServices) {
      // Docker steps need podman; without it the process host refuses them when they come.
      return podman.isPresent() ? withStepContainers(run, job, worker) : worker;
    }
    Podman engine =
        podman.orElseThrow(
            () ->
                new CiException(
                    ErrorCode.PERMANENT,
                    job
                        + " sets "
                        + (run.job().container() != null ? "container:" : "services:")
                        + ", but this worker has no container engine: podman was not found on its"
                        + " PATH"));
    buildsWithContainers.add(run.buildId());
    JobPaths paths =
        run.job().container() == null
            ? worker.paths()
            : ContainerHost.pathsIn(ContainerHost.mountsOf(worker.paths()), worker.paths());
    // The event file's place only matters for github.event_path here; the engine writes it there.
    String eventPath = JobPaths.join(paths.runnerFiles(), "event.json");
    Map<String, Object> contexts = ContextBuilder.jobContexts(run, paths, eventPath, runnerName);
    ContainerConfig config =
        run.job().container() == null
            ? null
            : ContainerConfig.of(run.jobKey(), run.job().container(), contexts);
    Map<String, ContainerConfig> serviceConfigs =
        ContainerConfig.services(run.jobKey(), run.job().services(), contexts);
    ContainerSupport.check(config, serviceConfigs, ContainerSupport.Host.CONTAINER);
    Map<String, String> labels =
        Map.of(JobContainer.BUILD_LABEL, run.buildId(), JobContainer.JOB_LABEL, run.jobKey());
    String name = containerName(run);
    JobServices services =
        new JobServices(engine, name, labels, serviceConfigs, limits, PODMAN_TIMEOUT);
    if (config == null) {
      return new ServicesHost(job, worker, services, stepContainers(run, worker, null, null));
    }
    JobContainer container = new JobContainer(engine, name, labels, PODMAN_TIMEOUT);
    JobMounts mounts = ContainerHost.mountsOf(worker.paths());
    return new ContainerHost(
        job,
        worker,
        engine,
        container,
        config,
        services,
        limits,
        PODMAN_TIMEOUT,
        stepContainers(run, worker, mounts, "container:" + name));
  }

  /** A job on the worker's machine with nothing but its docker steps in podman. */
  private JobHost withStepContainers(JobRun run, String job, JobHost worker) {
    JobServices none =
        new JobServices(
            podman.orElseThrow(), containerName(run), Map.of(), Map.of(), limits, PODMAN_TIMEOUT);
    return new ServicesHost(job, worker, none, stepContainers(run, worker, null, null));
  }

  /**
   * The job's docker step containers: the job's directories are the worker's own ({@code mounts}
   * null) or seen through the job container's mounts; {@code network} is the job container's.
   */
  private StepContainers stepContainers(
      JobRun run, JobHost worker, JobMounts mounts, String network) {
    return new StepContainers(
        podman.orElseThrow(),
        containerName(run),
        Map.of(JobContainer.BUILD_LABEL, run.buildId(), JobContainer.JOB_LABEL, run.jobKey()),
        limits,
        mounts == null ? Path::of : p -> mounts.resolve(p, true),
        network,
        () -> buildsWithContainers.add(run.buildId()));
  }

  @Override
  public boolean startedBefore(JobRun run) {
    return directories.startedBefore(run);
  }

  /**
   * Removes the build's containers (by label, so also those a dead worker left for a job run here
   * again), then its directories. A build that opened no container job here skips podman.
   */
  @Override
  public void releaseBuild(String buildId) {
    if (buildsWithContainers.remove(buildId) && podman.isPresent()) {
      try {
        JobContainer.removeBuild(podman.get(), buildId, PODMAN_TIMEOUT);
      } catch (IOException e) {
        log.warn("could not remove the containers of build {}: {}", buildId, e.toString());
      }
    }
    directories.releaseBuild(buildId);
  }

  @Override
  public void close() {
    directories.close();
  }

  /** {@code pipewright-<build>-<job>-<attempt>}: one container per attempt of a job instance. */
  static String containerName(JobRun run) {
    return safeName("pipewright-" + run.buildId() + "-" + run.jobKey() + "-" + run.attempt());
  }

  /** A container name podman takes: what it refuses becomes {@code _}. */
  static String safeName(String name) {
    return UNSAFE.matcher(name).replaceAll("_");
  }
}
