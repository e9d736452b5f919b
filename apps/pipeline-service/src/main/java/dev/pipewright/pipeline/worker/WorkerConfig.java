package dev.pipewright.pipeline.worker;

import dev.pipewright.queue.QueueNames;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * The worker's settings, read from the environment like the entry API's.
 *
 * @param executor {@code local} (processes under {@code workspaceRoot}); {@code kubernetes} plugs
 *     in through the same {@code JobRunner} SPI
 * @param parallelism job instances of one build active at once
 * @param concurrentBuilds builds this worker claims and runs at once (also the consumer prefetch)
 * @param lease how long a claim holds without renewal; renewed every third of it
 * @param tick the period of the level-triggered reconcile pass of each running build
 * @param maxJobAttempts runs of a job instance lost with its worker before it fails
 * @param shutdownGrace how long {@code close()} waits for running builds before handing them back
 */
public record WorkerConfig(
    String databaseUrl,
    String databaseUser,
    String databasePassword,
    URI amqpUri,
    QueueNames queueNames,
    String executor,
    Path workspaceRoot,
    int parallelism,
    int concurrentBuilds,
    String workerId,
    Duration lease,
    Duration tick,
    Duration reaperPeriod,
    int maxJobAttempts,
    Duration shutdownGrace) {

  public static final String DEFAULT_DATABASE_URL = "jdbc:postgresql://127.0.0.1:5432/pipewright";

  public WorkerConfig {
    Objects.requireNonNull(databaseUrl, "databaseUrl");
    Objects.requireNonNull(amqpUri, "amqpUri");
    Objects.requireNonNull(queueNames, "queueNames");
    Objects.requireNonNull(workspaceRoot, "workspaceRoot");
    Objects.requireNonNull(workerId, "workerId");
    if (parallelism < 1 || concurrentBuilds < 1 || maxJobAttempts < 1) {
      throw new IllegalArgumentException("parallelism, builds and attempts must be positive");
    }
  }

  public static WorkerConfig fromEnvironment() {
    return fromEnvironment(System.getenv());
  }

  /**
   * Reads {@code PIPEWRIGHT_DATABASE_URL}, {@code _USER}, {@code _PASSWORD}, {@code
   * PIPEWRIGHT_AMQP_URI}, {@code PIPEWRIGHT_QUEUE_PREFIX}, {@code PIPEWRIGHT_EXECUTOR}, {@code
   * PIPEWRIGHT_WORKSPACE_ROOT}, {@code PIPEWRIGHT_PARALLELISM}, {@code PIPEWRIGHT_WORKER_BUILDS},
   * {@code PIPEWRIGHT_WORKER_ID}, {@code PIPEWRIGHT_LEASE_SECONDS}.
   */
  public static WorkerConfig fromEnvironment(Map<String, String> env) {
    return new WorkerConfig(
        env.getOrDefault("PIPEWRIGHT_DATABASE_URL", DEFAULT_DATABASE_URL),
        env.getOrDefault("PIPEWRIGHT_DATABASE_USER", "postgres"),
        env.getOrDefault("PIPEWRIGHT_DATABASE_PASSWORD", ""),
        URI.create(
            env.getOrDefault("PIPEWRIGHT_AMQP_URI", "amqp://guest:guest@127.0.0.1:5672/%2F")),
        QueueNames.withPrefix(
            env.getOrDefault("PIPEWRIGHT_QUEUE_PREFIX", QueueNames.DEFAULT_PREFIX)),
        env.getOrDefault("PIPEWRIGHT_EXECUTOR", "local"),
        Path.of(
            env.getOrDefault(
                "PIPEWRIGHT_WORKSPACE_ROOT",
                Path.of(System.getProperty("java.io.tmpdir"), "pipewright").toString())),
        integer(env, "PIPEWRIGHT_PARALLELISM", 4),
        integer(env, "PIPEWRIGHT_WORKER_BUILDS", 8),
        env.getOrDefault("PIPEWRIGHT_WORKER_ID", defaultWorkerId()),
        Duration.ofSeconds(integer(env, "PIPEWRIGHT_LEASE_SECONDS", 30)),
        Duration.ofMillis(500),
        Duration.ofSeconds(5),
        3,
        Duration.ofSeconds(10));
  }

  /** hostname + pid: unique among the workers sharing a database. */
  public static String defaultWorkerId() {
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      host = "localhost";
    }
    return host + "-" + ManagementFactory.getRuntimeMXBean().getPid();
  }

  public Builder toBuilder() {
    return new Builder(this);
  }

  /** A copy with some settings changed (tests, embedding callers). */
  public static final class Builder {
    private String databaseUrl;
    private QueueNames queueNames;
    private Path workspaceRoot;
    private String workerId;
    private Duration lease;
    private Duration tick;
    private Duration reaperPeriod;
    private final WorkerConfig base;

    private Builder(WorkerConfig base) {
      this.base = base;
      this.databaseUrl = base.databaseUrl();
      this.queueNames = base.queueNames();
      this.workspaceRoot = base.workspaceRoot();
      this.workerId = base.workerId();
      this.lease = base.lease();
      this.tick = base.tick();
      this.reaperPeriod = base.reaperPeriod();
    }

    public Builder databaseUrl(String v) {
      this.databaseUrl = v;
      return this;
    }

    public Builder queueNames(QueueNames v) {
      this.queueNames = v;
      return this;
    }

    public Builder workspaceRoot(Path v) {
      this.workspaceRoot = v;
      return this;
    }

    public Builder workerId(String v) {
      this.workerId = v;
      return this;
    }

    /** Lease, reaper period and tick together, for tests that expire leases quickly. */
    public Builder timing(Duration lease, Duration reaperPeriod, Duration tick) {
      this.lease = lease;
      this.reaperPeriod = reaperPeriod;
      this.tick = tick;
      return this;
    }

    public WorkerConfig build() {
      return new WorkerConfig(
          databaseUrl,
          base.databaseUser(),
          base.databasePassword(),
          base.amqpUri(),
          queueNames,
          base.executor(),
          workspaceRoot,
          base.parallelism(),
          base.concurrentBuilds(),
          workerId,
          lease,
          tick,
          reaperPeriod,
          base.maxJobAttempts(),
          base.shutdownGrace());
    }
  }

  private static int integer(Map<String, String> env, String name, int fallback) {
    String value = env.get(name);
    if (value == null || value.isBlank()) {
      return fallback;
    }
    try {
      return Integer.parseInt(value.strip());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be a number, got " + value, e);
    }
  }
}
