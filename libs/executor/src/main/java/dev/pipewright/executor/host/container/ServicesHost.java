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
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A job without {@code container:} on a worker with podman: its steps run on the worker's host
 * ({@code steps}, the process host) and reach its services (when it has any) on {@code localhost}
 * at their published ports, as GitHub documents for a job that runs on the runner machine
 * ("Communicating with service containers": localhost and the mapped port, {@code
 * job.services.<label>.ports}); its docker steps run in podman with the worker's directories of the
 * job mounted, in podman's default network (not the services'), where they reach the entry API as a
 * job container does ({@link #stepContainerServices}).
 */
final class ServicesHost implements JobHost {
  private static final Logger log = LoggerFactory.getLogger(ServicesHost.class);

  private final String job;
  private final JobHost steps;
  private final JobServices services;
  private final StepContainers stepContainers;
  private Consumer<String> jobLog = line -> {};

  ServicesHost(String job, JobHost steps, JobServices services, StepContainers stepContainers) {
    this.job = job;
    this.steps = steps;
    this.services = services;
    this.stepContainers = stepContainers;
  }

  @Override
  public String kind() {
    return steps.kind();
  }

  @Override
  public JobPaths paths() {
    return steps.paths();
  }

  @Override
  public void prepare() throws IOException {
    steps.prepare();
    if (services.isEmpty()) {
      return;
    }
    Optional<Path> authFile =
        RegistryAuth.writeAuthFile(Path.of(steps.paths().temp()), services.configs());
    try {
      services.start(null, authFile, jobLog);
    } finally {
      if (authFile.isPresent()) {
        Files.deleteIfExists(authFile.get());
      }
    }
  }

  @Override
  public Map<String, String> baseEnvironment() {
    return steps.baseEnvironment();
  }

  @Override
  public Optional<String> findExecutable(String name, String path, String dir) throws IOException {
    return steps.findExecutable(name, path, dir);
  }

  @Override
  public HostProcess start(HostCommand command, OutputReceiver output) throws IOException {
    return steps.start(command, output);
  }

  @Override
  public boolean supportsReattach() {
    return steps.supportsReattach();
  }

  @Override
  public Optional<HostProcess> reattach(String id, long fromOffset, OutputReceiver output)
      throws IOException {
    return steps.reattach(id, fromOffset, output);
  }

  /**
   * The steps run on the worker's host, and so do their JavaScript actions, on its Node.js: without
   * these the engine found no Node.js on a worker with podman.
   */
  @Override
  public Optional<ProvidedNode> providedNode() throws IOException {
    return steps.providedNode();
  }

  @Override
  public boolean prefersOwnNode() {
    return steps.prefersOwnNode();
  }

  @Override
  public HostProcess startContainer(StepContainer step, OutputReceiver output) throws IOException {
    return stepContainers.start(step, output);
  }

  @Override
  public JobFiles files() {
    return steps.files();
  }

  @Override
  public RuntimeServices runtimeServices(RuntimeServices runtime) {
    return steps.runtimeServices(runtime);
  }

  /**
   * Its docker steps run in podman's default network, where the worker's loopback is the
   * container's own: they get the entry API at {@link HostLoopback#inContainer}, as a job container
   * does.
   */
  @Override
  public RuntimeServices stepContainerServices(RuntimeServices runtime) {
    return runtime == null ? null : HostLoopback.inContainer(runtime);
  }

  @Override
  public Map<String, Object> containerContext() {
    return steps.containerContext();
  }

  @Override
  public Map<String, Object> servicesContext() {
    return services.context();
  }

  @Override
  public void jobLog(Consumer<String> lines) {
    jobLog = lines;
  }

  @Override
  public void stopServices() {
    services.stop(jobLog);
  }

  @Override
  public void release() {
    try {
      services.remove();
    } catch (IOException | RuntimeException e) {
      log.warn("{}: could not remove its services: {}", job, e.toString());
    }
    steps.release();
  }
}
