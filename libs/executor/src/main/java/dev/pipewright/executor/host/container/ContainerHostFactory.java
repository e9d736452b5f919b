package dev.pipewright.executor.host.container;

import dev.pipewright.executor.JobRun;
import dev.pipewright.executor.engine.ContextBuilder;
import dev.pipewright.executor.host.JobHost;
import dev.pipewright.executor.host.JobHostFactory;
import dev.pipewright.executor.host.JobPaths;
import dev.pipewright.models.CiException;
import dev.pipewright.models.ErrorCode;
import java.io.IOException;
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
 * gives it; every other job is that factory's own (the process host).
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

  @Override
  public JobHost open(JobRun run) {
    JobHost worker = directories.open(run);
    if (run.job().container() == null) {
      return worker;
    }
    String job = "job '" + run.jobKey() + "'";
    Podman engine =
        podman.orElseThrow(
            () ->
                new CiException(
                    ErrorCode.PERMANENT,
                    job
                        + " sets container:, but this worker has no container engine: podman was"
                        + " not found on its PATH"));
    buildsWithContainers.add(run.buildId());
    JobPaths paths = ContainerHost.pathsIn(ContainerHost.mountsOf(worker.paths()), worker.paths());
    // The event file's place only matters for github.event_path here; the engine writes it there.
    String eventPath = JobPaths.join(paths.runnerFiles(), "event.json");
    ContainerConfig config =
        ContainerConfig.of(
            run.jobKey(),
            run.job().container(),
            ContextBuilder.jobContexts(run, paths, eventPath, runnerName));
    JobContainer container =
        new JobContainer(
            engine,
            containerName(run),
            Map.of(JobContainer.BUILD_LABEL, run.buildId(), JobContainer.JOB_LABEL, run.jobKey()),
            PODMAN_TIMEOUT);
    return new ContainerHost(job, worker, engine, container, config, limits, PODMAN_TIMEOUT);
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
    String name = "pipewright-" + run.buildId() + "-" + run.jobKey() + "-" + run.attempt();
    return UNSAFE.matcher(name).replaceAll("_");
  }
}
