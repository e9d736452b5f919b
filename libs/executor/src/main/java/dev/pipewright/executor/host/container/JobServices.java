package dev.pipewright.executor.host.container;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pipewright.models.CiException;
import dev.pipewright.models.ErrorCode;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A job's {@code services:} on podman, as GitHub's runner runs them
 * (ContainerOperationProvider.cs): started before the first step, each service's health awaited in
 * order, each one's log printed to the job's log and the container removed after the last step.
 *
 * <p>All of a job's containers share one network namespace, held by the job's container (or, when
 * the job runs on the worker's machine, by its first service): every label is a host name for
 * {@code 127.0.0.1} in it, so the steps and the other services reach a service by its label on its
 * own port, and the ports the workflow lists are published on the worker, where steps that run on
 * the worker's machine reach them on {@code localhost}. (A podman pod would do the same, but its
 * infra container takes podman's default open-files limit, which these machines refuse.)
 */
final class JobServices {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern PORT_LINE = Pattern.compile("(\\d+)/(tcp|udp) -> (?:.*):(\\d+)\\s*");

  /**
   * Podman never runs health checks by itself without systemd: the host runs them at the service's
   * interval, and this is the interval of an image's own HEALTHCHECK, whose options it does not
   * read.
   */
  static final Duration IMAGE_HEALTH_INTERVAL = Duration.ofSeconds(2);

  /** One service: its label, its container's name and what the workflow asked. */
  record Service(String label, String name, ContainerConfig config) {}

  private final Podman podman;
  private final List<Service> services = new ArrayList<>();
  private final Map<String, String> labels;
  private final ResourceLimits limits;
  private final Duration timeout;
  private final Map<String, Object> context = new LinkedHashMap<>();

  /**
   * @param prefix the job container's name: each service's is {@code <prefix>-<label>}
   * @param labels what every container of the job carries (its build, for removal)
   */
  JobServices(
      Podman podman,
      String prefix,
      Map<String, String> labels,
      Map<String, ContainerConfig> configs,
      ResourceLimits limits,
      Duration timeout) {
    this.podman = podman;
    this.labels = Map.copyOf(labels);
    this.limits = limits;
    this.timeout = timeout;
    configs.forEach(
        (label, c) ->
            services.add(
                new Service(label, ContainerHostFactory.safeName(prefix + "-" + label), c)));
  }

  boolean isEmpty() {
    return services.isEmpty();
  }

  List<ContainerConfig> configs() {
    return services.stream().map(Service::config).toList();
  }

  /**
   * For the container that holds the job's network: each label a host name of {@code 127.0.0.1},
   * and the services' ports published with its own.
   */
  List<String> holderArguments() {
    List<String> args = new ArrayList<>();
    for (Service s : services) {
      args.addAll(List.of("--add-host", s.label() + ":127.0.0.1"));
      s.config().ports().forEach(p -> args.addAll(List.of("--publish", p)));
    }
    return args;
  }

  /**
   * Starts every service in the network of container {@code holder} (null: the first service holds
   * it), then waits for each one's health in order.
   *
   * @param log lines for the job's own log
   * @throws CiException PERMANENT naming the service when it does not start or is unhealthy
   */
  void start(String holder, Optional<Path> authFile, Consumer<String> log) throws IOException {
    String network = holder;
    for (Service s : services) {
      log.accept("Starting " + s.label() + " service container");
      List<String> args = JobContainer.runArguments(s.name(), labels, s.config(), limits, authFile);
      if (network == null) {
        args.addAll(holderArguments());
      } else {
        args.addAll(List.of("--network", "container:" + network));
      }
      health(s.config(), args);
      List<String> image = new ArrayList<>();
      if (s.config().entrypoint() != null) {
        image.addAll(List.of("--entrypoint", s.config().entrypoint()));
      }
      image.add(s.config().image());
      try {
        JobContainer.run(podman, timeout, args, s.config().env(), image, () -> remove(s));
      } catch (Podman.Failure e) {
        throw new CiException(
            ErrorCode.PERMANENT,
            s.config().where()
                + ": the service (image "
                + s.config().image()
                + ") did not start: "
                + e.reason(),
            e);
      }
      network = network == null ? s.name() : network;
    }
    String holderNetwork = networkOf(network);
    Map<String, String> published = publishedPorts(network);
    for (Service s : services) {
      Map<String, Object> ports = new LinkedHashMap<>();
      for (String p : s.config().containerPorts()) {
        String port = p.substring(0, p.indexOf('/'));
        String host = published.get(p);
        if (host != null) {
          ports.put(port, host);
        }
      }
      context.put(
          s.label(), Map.of("id", idOf(s.name()), "network", holderNetwork, "ports", ports));
    }
    log.accept("Waiting for all services to be ready");
    for (Service s : services) {
      awaitHealthy(s, log);
    }
  }

  /** {@code job.services}: each label's {@code id}, {@code network} and {@code ports}. */
  Map<String, Object> context() {
    return Map.copyOf(context);
  }

  /**
   * GitHub's "Stop containers": each service's log to the job's log, then their removal, the last
   * first (without a job container, the first holds the others' network).
   */
  void stop(Consumer<String> log) {
    for (Service s : services) {
      try {
        Podman.Result r = podman.run(timeout, List.of("logs", s.name()));
        if (r.exitCode() == 0) {
          log.accept("##[group]Print service container logs: " + s.label());
          (r.stdout() + r.stderr()).lines().forEach(log);
          log.accept("##[endgroup]");
        }
      } catch (IOException e) {
        log.accept("##[warning]could not read the log of service " + s.label() + ": " + e);
      }
    }
    for (Service s : services.reversed()) {
      log.accept("Stop and remove container: " + s.label());
      try {
        remove(s);
      } catch (IOException e) {
        log.accept("##[warning]could not remove service " + s.label() + ": " + e.getMessage());
      }
    }
  }

  /** Removes every service container; idempotent. */
  void remove() throws IOException {
    for (Service s : services.reversed()) {
      remove(s);
    }
  }

  private void remove(Service s) throws IOException {
    podman.check(
        timeout,
        List.of("rm", "--force", "--depend", "--ignore", "--time", "0", "--volumes", s.name()));
  }

  private static void health(ContainerConfig c, List<String> args) {
    if (c.health() == null) {
      return;
    }
    args.addAll(List.of("--health-cmd", c.health().command()));
    args.addAll(List.of("--health-interval", goDuration(c.health().interval())));
    args.addAll(List.of("--health-timeout", goDuration(c.health().timeout())));
    args.addAll(List.of("--health-retries", Integer.toString(c.health().retries())));
    args.addAll(List.of("--health-start-period", goDuration(c.health().startPeriod())));
  }

  private static String goDuration(Duration d) {
    return d.toMillis() + "ms";
  }

  /**
   * As ContainerOperationProvider.ContainerHealthcheck: a service without a health check is ready
   * once it runs; one with a health check is waited on while it is {@code starting}, and anything
   * but {@code healthy} then fails the job. The check runs here, at its interval, since podman runs
   * none without systemd; podman keeps the status, the failing streak and the start period.
   */
  private void awaitHealthy(Service s, Consumer<String> log) throws IOException {
    String status = status(s);
    if (status.isEmpty()) {
      return;
    }
    Duration interval =
        s.config().health() == null ? IMAGE_HEALTH_INTERVAL : s.config().health().interval();
    while (true) {
      if (!"true".equals(inspect(s.name(), "{{.State.Running}}"))) {
        throw unhealthy(s, "exited");
      }
      podman.run(
          timeout.plus(s.config().health() == null ? Duration.ZERO : s.config().health().timeout()),
          List.of("healthcheck", "run", s.name()));
      status = status(s);
      if (status.equals("healthy")) {
        log.accept(s.label() + " service is healthy.");
        return;
      }
      if (!status.equals("starting")) {
        throw unhealthy(s, status);
      }
      log.accept(
          s.label()
              + " service is starting, waiting "
              + interval.toMillis() / 1000.0
              + " seconds before checking again.");
      try {
        Thread.sleep(interval);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted while waiting for service " + s.label());
      }
    }
  }

  private static CiException unhealthy(Service s, String status) {
    return new CiException(
        ErrorCode.PERMANENT,
        s.config().where()
            + ": Failed to initialize, "
            + s.label()
            + " service is "
            + status
            + ".");
  }

  private String status(Service s) throws IOException {
    return inspect(s.name(), "{{if .Config.Healthcheck}}{{.State.Health.Status}}{{end}}");
  }

  private String inspect(String name, String format) throws IOException {
    return podman.check(timeout, List.of("container", "inspect", "--format", format, name)).strip();
  }

  private String idOf(String name) throws IOException {
    return inspect(name, "{{.Id}}");
  }

  private String networkOf(String name) throws IOException {
    JsonNode c =
        JSON.readTree(podman.check(timeout, List.of("container", "inspect", name))).path(0);
    Iterator<String> networks = c.path("NetworkSettings").path("Networks").fieldNames();
    return networks.hasNext() ? networks.next() : "";
  }

  /** {@code podman port}: container port with protocol ({@code 80/tcp}) → port on the worker. */
  private Map<String, String> publishedPorts(String holder) throws IOException {
    Map<String, String> ports = new LinkedHashMap<>();
    for (String line : podman.check(timeout, List.of("port", holder)).split("\n")) {
      Matcher m = PORT_LINE.matcher(line);
      if (m.matches()) {
        ports.putIfAbsent(m.group(1) + "/" + m.group(2), m.group(3));
      }
    }
    return ports;
  }
}
