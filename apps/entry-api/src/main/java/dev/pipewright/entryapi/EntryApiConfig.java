package dev.pipewright.entryapi;

import dev.pipewright.actions.ActionSources;
import dev.pipewright.capabilities.Target;
import dev.pipewright.ops.config.ConfigException;
import dev.pipewright.ops.config.ConfigLoader;
import dev.pipewright.ops.config.Listeners;
import dev.pipewright.ops.config.PipewrightConfig;
import dev.pipewright.queue.QueueNames;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Everything the entry API needs to run. {@link #fromEnvironment} reads the {@code PIPEWRIGHT_*}
 * variables; a port of 0 picks a free port (see {@link EntryApi#grpcPort()}).
 *
 * @param queuePrefix names the exchange and queues ({@link QueueNames#withPrefix}); the worker must
 *     use the same
 * @param databaseConnectTimeout how long a request waits for a database connection before it fails
 *     with UNAVAILABLE
 * @param relayBatchSize outbox rows published (and confirmed) per broker round trip
 * @param logPollInterval how often a following GetBuildLogs looks for new chunks
 * @param listeners the address both ports bind, whether callers need a token, TLS
 * @param secretKeyFile the key file that seals secret values ({@code PIPEWRIGHT_SECRET_KEY_FILE});
 *     empty: builds with secrets are refused; it also signs runtime tokens and artifact URLs
 * @param artifacts the artifact service: blob root, results URL, retention, sweep period
 * @param target what the workers run on ({@code executor}, {@code worker.container-engine}):
 *     admission refuses what they cannot run
 * @param actions where admission reads the manifests of remote actions ({@code actions.*}, as the
 *     workers fetch them), or null to read none (each is then a warning)
 */
public record EntryApiConfig(
    String databaseUrl,
    String databaseUser,
    String databasePassword,
    URI amqpUri,
    String queuePrefix,
    int grpcPort,
    int httpPort,
    int databasePoolSize,
    Duration databaseConnectTimeout,
    int relayBatchSize,
    Duration logPollInterval,
    Listeners listeners,
    Optional<Path> secretKeyFile,
    PipewrightConfig.Artifacts artifacts,
    Target target,
    ActionSources actions) {

  public static final String DATABASE_URL = "PIPEWRIGHT_DATABASE_URL";
  public static final String DATABASE_USER = "PIPEWRIGHT_DATABASE_USER";
  public static final String DATABASE_PASSWORD = "PIPEWRIGHT_DATABASE_PASSWORD";
  public static final String AMQP_URI = "PIPEWRIGHT_AMQP_URI";
  public static final String QUEUE_PREFIX = "PIPEWRIGHT_QUEUE_PREFIX";
  public static final String GRPC_PORT = "PIPEWRIGHT_GRPC_PORT";
  public static final String HTTP_PORT = "PIPEWRIGHT_HTTP_PORT";

  public EntryApiConfig {
    Objects.requireNonNull(databaseUrl, DATABASE_URL);
    Objects.requireNonNull(databaseUser, DATABASE_USER);
    databasePassword = databasePassword == null ? "" : databasePassword;
    Objects.requireNonNull(amqpUri, AMQP_URI);
    Objects.requireNonNull(queuePrefix, QUEUE_PREFIX);
    Objects.requireNonNull(databaseConnectTimeout, "databaseConnectTimeout");
    Objects.requireNonNull(logPollInterval, "logPollInterval");
    Objects.requireNonNull(listeners, "listeners");
    Objects.requireNonNull(secretKeyFile, "secretKeyFile");
    Objects.requireNonNull(artifacts, "artifacts");
    Objects.requireNonNull(target, "target");
    checkPort(GRPC_PORT, grpcPort);
    checkPort(HTTP_PORT, httpPort);
    if (databasePoolSize < 1 || relayBatchSize < 1) {
      throw new IllegalArgumentException("pool size and relay batch size must be positive");
    }
  }

  public static EntryApiConfig defaults() {
    return fromEnvironment(Map.of());
  }

  public static EntryApiConfig fromEnvironment() {
    return fromEnvironment(System.getenv());
  }

  /** Reads the {@code PIPEWRIGHT_*} variables of {@code env}, with the documented defaults. */
  public static EntryApiConfig fromEnvironment(Map<String, String> env) {
    PipewrightConfig loaded = load(env);
    return new EntryApiConfig(
        env.getOrDefault(DATABASE_URL, "jdbc:postgresql://127.0.0.1:5432/pipewright"),
        env.getOrDefault(DATABASE_USER, "postgres"),
        env.getOrDefault(DATABASE_PASSWORD, ""),
        URI.create(env.getOrDefault(AMQP_URI, "amqp://guest:guest@127.0.0.1:5672/%2F")),
        env.getOrDefault(QUEUE_PREFIX, QueueNames.DEFAULT_PREFIX),
        port(env, GRPC_PORT, 50051),
        port(env, HTTP_PORT, 8080),
        // Admissions use at most the writers' connections (build creation is batched) and the
        // relay one; the rest serve reads. More than a few per core only queues inside PostgreSQL.
        8,
        Duration.ofSeconds(3),
        500,
        Duration.ofMillis(150),
        loaded.listeners(),
        loaded.secretKeyFile(),
        loaded.artifacts(),
        target(loaded),
        actions(loaded));
  }

  private static PipewrightConfig load(Map<String, String> env) {
    try {
      return ConfigLoader.fromEnvironment(env);
    } catch (ConfigException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }

  public EntryApiConfig withPorts(int grpc, int http) {
    return edit(
        c -> {
          c.grpcPort = grpc;
          c.httpPort = http;
        });
  }

  public EntryApiConfig withDatabase(String url) {
    return edit(c -> c.databaseUrl = url);
  }

  public EntryApiConfig withQueue(URI uri, String prefix) {
    return edit(
        c -> {
          c.amqpUri = uri;
          c.queuePrefix = prefix;
        });
  }

  public EntryApiConfig withListeners(Listeners l) {
    return edit(c -> c.listeners = l);
  }

  /** The same, sealing secret values with the keys of {@code keyFile}. */
  public EntryApiConfig withSecretKeyFile(Path keyFile) {
    return edit(c -> c.secretKeyFile = Optional.of(keyFile));
  }

  /** The same, with artifacts kept as {@code a} says. */
  public EntryApiConfig withArtifacts(PipewrightConfig.Artifacts a) {
    return edit(c -> c.artifacts = a);
  }

  /** The same, refusing at admission what {@code t} cannot run. */
  public EntryApiConfig withTarget(Target t) {
    return edit(c -> c.target = t);
  }

  /** The same, reading remote actions' manifests at admission from {@code a} (null: none). */
  public EntryApiConfig withActions(ActionSources a) {
    return edit(c -> c.actions = a);
  }

  /** A copy with what {@code change} sets, checked by the canonical constructor again. */
  private EntryApiConfig edit(Consumer<Copy> change) {
    Copy c = new Copy(this);
    change.accept(c);
    return c.build();
  }

  /** The record's components as fields, for the withers: one place that lists them all. */
  private static final class Copy {
    String databaseUrl;
    String databaseUser;
    String databasePassword;
    URI amqpUri;
    String queuePrefix;
    int grpcPort;
    int httpPort;
    int databasePoolSize;
    Duration databaseConnectTimeout;
    int relayBatchSize;
    Duration logPollInterval;
    Listeners listeners;
    Optional<Path> secretKeyFile;
    PipewrightConfig.Artifacts artifacts;
    Target target;
    ActionSources actions;

    Copy(EntryApiConfig c) {
      databaseUrl = c.databaseUrl;
      databaseUser = c.databaseUser;
      databasePassword = c.databasePassword;
      amqpUri = c.amqpUri;
      queuePrefix = c.queuePrefix;
      grpcPort = c.grpcPort;
      httpPort = c.httpPort;
      databasePoolSize = c.databasePoolSize;
      databaseConnectTimeout = c.databaseConnectTimeout;
      relayBatchSize = c.relayBatchSize;
      logPollInterval = c.logPollInterval;
      listeners = c.listeners;
      secretKeyFile = c.secretKeyFile;
      artifacts = c.artifacts;
      target = c.target;
      actions = c.actions;
    }

    EntryApiConfig build() {
      return new EntryApiConfig(
          databaseUrl,
          databaseUser,
          databasePassword,
          amqpUri,
          queuePrefix,
          grpcPort,
          httpPort,
          databasePoolSize,
          databaseConnectTimeout,
          relayBatchSize,
          logPollInterval,
          listeners,
          secretKeyFile,
          artifacts,
          target,
          actions);
    }
  }

  /** What the installation's workers run on, from its {@code executor} settings. */
  public static Target target(PipewrightConfig config) {
    return switch (config.executor()) {
      case LOCAL -> Target.local(config.worker().containerEngine());
      case KUBERNETES -> Target.kubernetes();
    };
  }

  /** The installation's sources of remote actions, as the workers fetch them. */
  public static ActionSources actions(PipewrightConfig config) {
    PipewrightConfig.Actions a = config.actions();
    return new ActionSources(a.url(), a.mirrors(), a.offlineDir().orElse(null));
  }

  /** The AMQP URI without its credentials, for logs. */
  public String amqpEndpoint() {
    int port = amqpUri.getPort() < 0 ? 5672 : amqpUri.getPort();
    return amqpUri.getScheme() + "://" + amqpUri.getHost() + ":" + port;
  }

  private static int port(Map<String, String> env, String name, int fallback) {
    String value = env.get(name);
    if (value == null || value.isBlank()) {
      return fallback;
    }
    try {
      return Integer.parseInt(value.strip());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " is not a port number: " + value, e);
    }
  }

  private static void checkPort(String name, int port) {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException(name + " out of range: " + port);
    }
  }
}
