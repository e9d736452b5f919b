package dev.pipewright.executor.host.container;

import dev.pipewright.executor.host.HostProcess;
import dev.pipewright.executor.host.OutputReceiver;
import dev.pipewright.executor.host.StepContainer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The containers of a job's docker steps on the worker's machine, as DockerCommandManager.DockerRun
 * starts one: {@code podman run --rm} in the foreground, named after the job and the step, with the
 * job's labels (so a dead worker's leftover goes with its build), the worker's resource limits, the
 * job's directories bind-mounted where the step asks, in the job container's network when the job
 * has one (services reachable as for its steps). Variables are passed as {@code -e NAME} with the
 * value in podman's own environment, as the runner passes them, so no value (a secret) is on a
 * command line. podman runs with only the worker's variables it reads itself ({@link #PODMAN_ENV}),
 * so no other worker variable reaches a step; a step variable of one of those names ({@code HOME},
 * {@code PATH}) is given as {@code -e NAME=value}, not to change how podman itself runs.
 */
final class StepContainers {
  /** What podman reads of its own environment: kept from the worker's, nothing else. */
  static final Set<String> PODMAN_ENV =
      Set.of(
          "PATH",
          "HOME",
          "TMPDIR",
          "XDG_RUNTIME_DIR",
          "XDG_CONFIG_HOME",
          "XDG_DATA_HOME",
          "CONTAINERS_CONF",
          "CONTAINERS_STORAGE_CONF",
          "CONTAINERS_REGISTRIES_CONF",
          "CONTAINER_HOST",
          "CONTAINER_CONNECTION",
          "REGISTRY_AUTH_FILE");

  /** A job directory as the host names it → the worker's directory holding it. */
  @FunctionalInterface
  interface WorkerPath {
    Path of(String jobPath) throws IOException;
  }

  private final Podman podman;
  private final String namePrefix;
  private final Map<String, String> labels;
  private final ResourceLimits limits;
  private final WorkerPath workerPath;
  private final String network;
  private final Runnable started;

  /**
   * @param namePrefix the job's container name: each step's is {@code <prefix>-<command id>}
   * @param network {@code --network}, or null for podman's default
   * @param started told before each container starts (the factory then removes the build's
   *     containers with it)
   */
  StepContainers(
      Podman podman,
      String namePrefix,
      Map<String, String> labels,
      ResourceLimits limits,
      WorkerPath workerPath,
      String network,
      Runnable started) {
    this.podman = podman;
    this.namePrefix = namePrefix;
    this.labels = Map.copyOf(labels);
    this.limits = limits;
    this.workerPath = workerPath;
    this.network = network;
    this.started = started;
  }

  HostProcess start(StepContainer step, OutputReceiver output) throws IOException {
    String name = ContainerHostFactory.safeName(namePrefix + "-" + step.id());
    List<String> args = new ArrayList<>(List.of("run", "--rm", "--name", name));
    labels.forEach((k, v) -> args.addAll(List.of("--label", k + "=" + v)));
    args.addAll(limits.podmanArguments());
    args.addAll(List.of("--workdir", step.workingDirectory()));
    if (network != null) {
      args.addAll(List.of("--network", network));
    }
    for (Map.Entry<String, String> m : step.mounts().entrySet()) {
      args.addAll(List.of("--volume", workerPath.of(m.getValue()) + ":" + m.getKey()));
    }
    step.env()
        .forEach((k, v) -> args.addAll(List.of("-e", PODMAN_ENV.contains(k) ? k + "=" + v : k)));
    if (step.entrypoint() != null) {
      args.addAll(List.of("--entrypoint", step.entrypoint()));
    }
    args.add(step.image());
    args.addAll(step.args());
    ProcessBuilder pb = podman.builder(args).redirectErrorStream(true);
    pb.environment().keySet().retainAll(PODMAN_ENV);
    step.env().forEach((k, v) -> pb.environment().putIfAbsent(k, v));
    started.run();
    return new ContainerRun(step.id(), name, podman, pb.start(), output);
  }
}
