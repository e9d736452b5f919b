package dev.pipewright.ops.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The one configuration of Pipewright's processes: defaults &lt; config file (YAML) &lt; {@code
 * PIPEWRIGHT_*} environment variables. Load it with {@link ConfigLoader}; every key and default is
 * listed in libs/ops/CONFIGURATION.md. Each process reads the sections it needs: the entry API
 * {@link #database()}, {@link #amqp()}, {@link #grpcPort()}, {@link #httpPort()}, {@link #api()};
 * the worker {@link #database()}, {@link #amqp()}, {@link #executor()}, {@link #workspaceRoot()},
 * {@link #worker()}, {@link #kubernetes()}; all of them {@link #listeners()}, {@link
 * #shutdownGrace()} and {@link #log()}.
 */
public record PipewrightConfig(
    Database database,
    Amqp amqp,
    int grpcPort,
    int httpPort,
    Listeners listeners,
    Api api,
    Executor executor,
    Path workspaceRoot,
    Worker worker,
    Duration shutdownGrace,
    Log log,
    Kubernetes kubernetes,
    Optional<Path> secretKeyFile,
    Artifacts artifacts,
    Actions actions) {

  public PipewrightConfig {
    Objects.requireNonNull(actions, "actions");
    Objects.requireNonNull(artifacts, "artifacts");
    Objects.requireNonNull(database, "database");
    Objects.requireNonNull(listeners, "listeners");
    Objects.requireNonNull(amqp, "amqp");
    Objects.requireNonNull(api, "api");
    Objects.requireNonNull(executor, "executor");
    Objects.requireNonNull(workspaceRoot, "workspaceRoot");
    Objects.requireNonNull(worker, "worker");
    Objects.requireNonNull(shutdownGrace, "shutdownGrace");
    Objects.requireNonNull(log, "log");
    Objects.requireNonNull(kubernetes, "kubernetes");
    Objects.requireNonNull(secretKeyFile, "secretKeyFile");
  }

  /**
   * {@link Listeners#checkExposure} for this installation's listeners and executor: what every
   * service checks before it listens.
   */
  public Optional<String> checkExposure(boolean insecure) {
    return listeners.checkExposure(insecure, executor);
  }

  /** PostgreSQL. {@link #toString()} hides the password. */
  public record Database(
      String url, String user, String password, int poolSize, Duration connectTimeout) {
    @Override
    public String toString() {
      return "Database[url="
          + url
          + ", user="
          + user
          + ", password=***, poolSize="
          + poolSize
          + ", connectTimeout="
          + connectTimeout
          + "]";
    }
  }

  /** RabbitMQ. {@link #toString()} shows {@link #endpoint()}, never the credentials. */
  public record Amqp(URI uri, String queuePrefix) {
    /** The URI without its credentials, for logs. */
    public String endpoint() {
      int port =
          uri.getPort() < 0 ? ("amqps".equals(uri.getScheme()) ? 5671 : 5672) : uri.getPort();
      return uri.getScheme() + "://" + uri.getHost() + ":" + port;
    }

    @Override
    public String toString() {
      return "Amqp[endpoint=" + endpoint() + ", queuePrefix=" + queuePrefix + "]";
    }
  }

  /** Entry API specifics: the outbox relay and log following. */
  public record Api(int relayBatchSize, Duration logPollInterval) {}

  /**
   * The artifact and cache services of the entry API: where blobs live, the URL jobs reach it at
   * (empty: the address of each request), the default and longest retention, how often the sweep
   * runs, the cache bytes kept per repository and the ref whose caches every build may read.
   */
  public record Artifacts(
      Path blobRoot,
      String resultsUrl,
      int retentionDays,
      Duration sweepPeriod,
      long cacheBytesPerRepository,
      String cacheDefaultRef) {
    public Artifacts {
      Objects.requireNonNull(blobRoot, "blobRoot");
      Objects.requireNonNull(resultsUrl, "resultsUrl");
      Objects.requireNonNull(sweepPeriod, "sweepPeriod");
      Objects.requireNonNull(cacheDefaultRef, "cacheDefaultRef");
      if (cacheBytesPerRepository < 1) {
        throw new IllegalArgumentException("the cache size cap is positive");
      }
    }
  }

  /**
   * The worker (pipeline-service): claims, leases, the reconcile tick, and how much of the builds'
   * logs it stores ({@code stepLogLimit}, {@code buildLogLimit}: UTF-8 bytes).
   *
   * @param containerEngine whether local workers have podman for {@code container:} jobs, so the
   *     entry API can refuse them at admission when they do not
   */
  public record Worker(
      int parallelism,
      int builds,
      String id,
      Duration lease,
      Duration tick,
      Duration reaperPeriod,
      int maxJobAttempts,
      int infrastructureRetries,
      long stepLogLimit,
      long buildLogLimit,
      boolean containerEngine,
      String nodePath) {}

  public record Log(LogFormat format, String level) {}

  /**
   * Where remote actions and called workflows come from: {@code offlineDir} first, then {@code
   * url}, then each mirror.
   */
  public record Actions(String url, List<String> mirrors, Optional<Path> offlineDir) {
    public Actions {
      Objects.requireNonNull(url, "url");
      mirrors = List.copyOf(mirrors);
      Objects.requireNonNull(offlineDir, "offlineDir");
    }
  }

  /**
   * The Kubernetes runner. Resource fields are Kubernetes quantities; an empty one leaves that
   * request or limit unset.
   *
   * @param installation the label value naming this installation's objects in the namespace,
   *     derived from the database URL unless set
   */
  public record Kubernetes(
      String namespace,
      String installation,
      String workspaceClaim,
      String defaultImage,
      Map<String, String> runsOnImages,
      Duration jobTtl,
      long runAsUser,
      String stepCpuRequest,
      String stepMemoryRequest,
      String stepCpuLimit,
      String stepMemoryLimit,
      Duration logPollInterval,
      String nodeImage) {
    public Kubernetes {
      runsOnImages = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(runsOnImages));
    }
  }

  /** Every default, as CONFIGURATION.md lists them (no file, no environment). */
  public static PipewrightConfig defaults() {
    return ConfigLoader.fromEnvironment(Map.of());
  }

  /**
   * Every setting as its {@code PIPEWRIGHT_*} variable in canonical text (durations like {@code
   * 30s}, {@code *_SECONDS} as whole seconds). Lets a reader of the environment, such as {@code
   * EntryApiConfig.fromEnvironment(Map)}, see the file's values too; passwords included, so never
   * log it.
   */
  public Map<String, String> toEnvironment() {
    Map<String, String> env = new LinkedHashMap<>();
    values().forEach((setting, value) -> env.put(setting.env(), format(setting, value)));
    return env;
  }

  /** {@code key = value} lines, secrets masked, for a start-up log line. */
  public String describe() {
    return values().entrySet().stream()
        .map(
            e ->
                e.getKey().path()
                    + " = "
                    + (e.getKey().secret() ? "***" : format(e.getKey(), e.getValue())))
        .collect(Collectors.joining("\n"));
  }

  @SuppressWarnings("unchecked")
  private static <T> String format(Setting<T> setting, Object value) {
    return setting.parser().format((T) value);
  }

  /** The value of each setting, in the order of {@link Settings#ALL}. */
  Map<Setting<?>, Object> values() {
    Map<Setting<?>, Object> v = new LinkedHashMap<>();
    v.put(Settings.DATABASE_URL, database.url());
    v.put(Settings.DATABASE_USER, database.user());
    v.put(Settings.DATABASE_PASSWORD, database.password());
    v.put(Settings.DATABASE_POOL_SIZE, database.poolSize());
    v.put(Settings.DATABASE_CONNECT_TIMEOUT, database.connectTimeout());
    v.put(Settings.AMQP_URI, amqp.uri());
    v.put(Settings.QUEUE_PREFIX, amqp.queuePrefix());
    v.put(Settings.GRPC_PORT, grpcPort);
    v.put(Settings.HTTP_PORT, httpPort);
    v.put(Settings.BIND_ADDRESS, listeners.bindAddress());
    v.put(Settings.AUTH, listeners.auth());
    v.put(Settings.METRICS_AUTH, listeners.metrics());
    v.put(Settings.TLS_CERT_FILE, listeners.tls().certFile());
    v.put(Settings.TLS_KEY_FILE, listeners.tls().keyFile());
    v.put(Settings.TLS_CLIENT_CA_FILE, listeners.tls().clientCaFile());
    v.put(Settings.TLS_RELOAD_INTERVAL, listeners.tls().reloadInterval());
    v.put(Settings.SECRET_KEY_FILE, secretKeyFile);
    v.put(ArtifactSettings.BLOB_ROOT, artifacts.blobRoot());
    v.put(ArtifactSettings.RESULTS_URL, artifacts.resultsUrl());
    v.put(ArtifactSettings.ARTIFACT_RETENTION_DAYS, artifacts.retentionDays());
    v.put(ArtifactSettings.ARTIFACT_SWEEP_PERIOD, artifacts.sweepPeriod());
    v.put(ArtifactSettings.CACHE_BYTES_PER_REPOSITORY, artifacts.cacheBytesPerRepository());
    v.put(ArtifactSettings.CACHE_DEFAULT_REF, artifacts.cacheDefaultRef());
    v.put(Settings.ACTIONS_URL, actions.url());
    v.put(Settings.ACTIONS_MIRRORS, actions.mirrors());
    v.put(Settings.ACTIONS_OFFLINE_DIR, actions.offlineDir());
    v.put(Settings.RELAY_BATCH_SIZE, api.relayBatchSize());
    v.put(Settings.LOG_POLL_INTERVAL, api.logPollInterval());
    v.put(Settings.EXECUTOR, executor);
    v.put(Settings.WORKSPACE_ROOT, workspaceRoot);
    v.put(Settings.PARALLELISM, worker.parallelism());
    v.put(Settings.WORKER_BUILDS, worker.builds());
    v.put(Settings.WORKER_ID, worker.id());
    v.put(Settings.LEASE, worker.lease());
    v.put(Settings.TICK, worker.tick());
    v.put(Settings.REAPER_PERIOD, worker.reaperPeriod());
    v.put(Settings.MAX_JOB_ATTEMPTS, worker.maxJobAttempts());
    v.put(Settings.INFRASTRUCTURE_RETRIES, worker.infrastructureRetries());
    v.put(Settings.STEP_LOG_LIMIT, worker.stepLogLimit());
    v.put(Settings.BUILD_LOG_LIMIT, worker.buildLogLimit());
    v.put(Settings.CONTAINER_ENGINE, worker.containerEngine());
    v.put(Settings.NODE_PATH, worker.nodePath());
    v.put(Settings.SHUTDOWN_GRACE, shutdownGrace);
    v.put(Settings.LOG_FORMAT, log.format());
    v.put(Settings.LOG_LEVEL, log.level());
    v.put(KubernetesSettings.NAMESPACE, kubernetes.namespace());
    v.put(KubernetesSettings.INSTALLATION, kubernetes.installation());
    v.put(KubernetesSettings.WORKSPACE_CLAIM, kubernetes.workspaceClaim());
    v.put(KubernetesSettings.DEFAULT_IMAGE, kubernetes.defaultImage());
    v.put(KubernetesSettings.RUNS_ON_IMAGES, kubernetes.runsOnImages());
    v.put(KubernetesSettings.JOB_TTL, kubernetes.jobTtl());
    v.put(KubernetesSettings.RUN_AS_USER, kubernetes.runAsUser());
    v.put(KubernetesSettings.CPU_REQUEST, kubernetes.stepCpuRequest());
    v.put(KubernetesSettings.MEMORY_REQUEST, kubernetes.stepMemoryRequest());
    v.put(KubernetesSettings.CPU_LIMIT, kubernetes.stepCpuLimit());
    v.put(KubernetesSettings.MEMORY_LIMIT, kubernetes.stepMemoryLimit());
    v.put(KubernetesSettings.LOG_POLL_INTERVAL, kubernetes.logPollInterval());
    v.put(KubernetesSettings.NODE_IMAGE, kubernetes.nodeImage());
    return v;
  }

  @Override
  public String toString() {
    return "PipewrightConfig[\n" + describe() + "\n]";
  }
}
