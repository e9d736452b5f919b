package dev.pipewright.executor.host.container;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pipewright.executor.host.Signal;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One job's container through its life: started detached with the job's directories mounted and the
 * container's own shell waiting on an open stdin as its main process, commands exec'd into it,
 * removed with everything in it when the job ends. Named and labelled after the job, so a leftover
 * of a dead worker is found and removed (by the next attempt, or with its build).
 */
final class JobContainer {
  /** Labels on every job container: the build, for {@link #removeBuild}. */
  static final String BUILD_LABEL = "dev.pipewright.build";

  static final String JOB_LABEL = "dev.pipewright.job";

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Podman podman;
  private final String name;
  private final Map<String, String> labels;
  private final Duration timeout;

  /**
   * What {@link #start} learnt from podman.
   *
   * @param rootfs the container's root file system as the worker sees it (rootful podman's merged
   *     overlay), when it does
   * @param hosts the {@code /etc/hosts} podman wrote for it, as the worker sees it, when it does
   */
  record Started(
      String id,
      String network,
      Map<String, String> environment,
      Optional<Path> rootfs,
      Optional<Path> hosts) {}

  /**
   * @param timeout for each podman call that manages the container (not for exec'd commands)
   */
  JobContainer(Podman podman, String name, Map<String, String> labels, Duration timeout) {
    this.podman = podman;
    this.name = name;
    this.labels = Map.copyOf(labels);
    this.timeout = timeout;
  }

  String name() {
    return name;
  }

  /**
   * Starts the container and returns what steps see of it; a container of the same name (left by a
   * dead worker's attempt) is removed first.
   *
   * @param network podman arguments that place it in the job's network (the services' host names
   *     and ports when it holds the network for them), and that mount the executor's Node.js
   * @param authFile registry credentials for a pull, when there are any
   */
  Started start(
      ContainerConfig config,
      JobMounts mounts,
      ResourceLimits limits,
      List<String> network,
      Optional<Path> authFile)
      throws IOException {
    List<String> args = runArguments(name, labels, config, limits, authFile);
    args.add("--interactive");
    args.addAll(network);
    args.addAll(mounts.podmanArguments(config.user() != null));
    List<String> image = new ArrayList<>();
    List<String> keepAlive = ContainerShell.KEEP_ALIVE;
    if (config.entrypoint() != null) {
      image.addAll(List.of("--entrypoint", config.entrypoint(), config.image()));
      image.addAll(keepAlive);
    } else {
      image.addAll(List.of("--entrypoint", keepAlive.getFirst(), config.image()));
      image.addAll(keepAlive.subList(1, keepAlive.size()));
    }
    run(podman, timeout, args, config.env(), image, this::remove);
    return inspect();
  }

  /**
   * {@code podman run --detach} of a job's container or service: its name and labels, the worker's
   * limits, its volumes, published ports, user, working directory and host name.
   */
  static List<String> runArguments(
      String name,
      Map<String, String> labels,
      ContainerConfig config,
      ResourceLimits limits,
      Optional<Path> authFile) {
    List<String> args = new ArrayList<>(List.of("run", "--detach", "--name", name));
    labels.forEach((k, v) -> args.addAll(List.of("--label", k + "=" + v)));
    args.addAll(limits.podmanArguments());
    authFile.ifPresent(f -> args.addAll(List.of("--authfile", f.toString())));
    config.volumes().forEach(v -> args.addAll(List.of("--volume", v)));
    if (config.user() != null) {
      args.addAll(List.of("--user", config.user()));
    }
    if (config.workdir() != null) {
      args.addAll(List.of("--workdir", config.workdir()));
    }
    if (config.hostname() != null) {
      args.addAll(List.of("--hostname", config.hostname()));
    }
    return args;
  }

  /**
   * Runs {@code podman args --env-file <env> tail}; on a name conflict (a dead worker's leftover)
   * calls {@code removeOld} and tries once more. The values go through a file of the worker only
   * podman reads, never on a command line.
   */
  static void run(
      Podman podman,
      Duration timeout,
      List<String> args,
      Map<String, String> env,
      List<String> tail,
      Remover removeOld)
      throws IOException {
    Path envFile =
        Files.createTempFile(
            "pipewright-container-",
            ".env",
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    try {
      StringBuilder text = new StringBuilder();
      env.forEach((k, v) -> text.append(k).append('=').append(v).append('\n'));
      Files.writeString(envFile, text, StandardCharsets.UTF_8);
      List<String> all = new ArrayList<>(args);
      all.addAll(List.of("--env-file", envFile.toString()));
      all.addAll(tail);
      try {
        podman.check(timeout, all);
      } catch (Podman.Failure e) {
        // Rare, so not paid for on every start (podman run --replace waits out a stop timeout).
        if (!e.reason().contains("already in use")) {
          throw e;
        }
        removeOld.remove();
        podman.check(timeout, all);
      }
    } finally {
      Files.deleteIfExists(envFile);
    }
  }

  /** Removes a container; may throw. */
  @FunctionalInterface
  interface Remover {
    void remove() throws IOException;
  }

  /** Whether the container exists and runs. */
  boolean running() throws IOException {
    Podman.Result r =
        podman.run(
            timeout, List.of("container", "inspect", "--format", "{{.State.Running}}", name));
    return r.exitCode() == 0 && r.stdout().strip().equals("true");
  }

  /**
   * Kills everything in the container and removes it with its anonymous volumes, and the services
   * that share its network with it (podman refuses to remove a container others depend on).
   */
  void remove() throws IOException {
    podman.check(timeout, List.of("rm", "--force", "--depend", "--time", "0", "--volumes", name));
  }

  /** Sends {@code signal} to process group {@code group} of the container. */
  void signalGroup(long group, Signal signal) throws IOException {
    List<String> args = new ArrayList<>(List.of("exec", name));
    args.addAll(
        ContainerShell.sh(
            ContainerShell.SIGNAL_GROUP, signal.name(), List.of(Long.toString(group))));
    podman.run(timeout, args);
  }

  /** Removes every job container of a build, whichever worker started it. */
  static void removeBuild(Podman podman, String buildId, Duration timeout) throws IOException {
    List<String> ids = ofBuild(podman, buildId, timeout);
    if (!ids.isEmpty()) {
      // --depend: a job container goes with the services in its network, --ignore: whichever
      // goes first.
      List<String> args =
          new ArrayList<>(
              List.of("rm", "--force", "--depend", "--ignore", "--time", "0", "--volumes"));
      args.addAll(ids);
      podman.check(timeout, args);
    }
  }

  /** The ids of a build's job containers, running or not. */
  static List<String> ofBuild(Podman podman, String buildId, Duration timeout) throws IOException {
    return podman
        .check(
            timeout,
            List.of("ps", "--all", "--quiet", "--filter", "label=" + BUILD_LABEL + "=" + buildId))
        .lines()
        .map(String::strip)
        .filter(s -> !s.isEmpty())
        .toList();
  }

  private Started inspect() throws IOException {
    JsonNode c =
        JSON.readTree(podman.check(timeout, List.of("container", "inspect", name))).path(0);
    Map<String, String> env = new LinkedHashMap<>();
    for (JsonNode entry : c.path("Config").path("Env")) {
      String kv = entry.asText();
      int eq = kv.indexOf('=');
      if (eq > 0) {
        env.put(kv.substring(0, eq), kv.substring(eq + 1));
      }
    }
    Iterator<String> networks = c.path("NetworkSettings").path("Networks").fieldNames();
    Path merged =
        Path.of(c.path("GraphDriver").path("Data").path("MergedDir").asText("/nonexistent"));
    Path hosts = Path.of(c.path("HostsPath").asText("/nonexistent"));
    return new Started(
        c.path("Id").asText(),
        networks.hasNext() ? networks.next() : "",
        env,
        Files.isDirectory(merged.resolve("bin")) ? Optional.of(merged) : Optional.empty(),
        Files.isReadable(hosts) ? Optional.of(hosts) : Optional.empty());
  }
}
