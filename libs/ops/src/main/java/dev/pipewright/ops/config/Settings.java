package dev.pipewright.ops.config;

import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Every key, in the order CONFIGURATION.md lists them: the artifact and cache services' keys
 * ({@link ArtifactSettings}) and the Kubernetes executor's ({@link KubernetesSettings}) are
 * declared beside, in classes of their own. The defaults are those the services had before this
 * model (EntryApiConfig, WorkerConfig, KubernetesRunnerConfig), so switching to it changes no
 * behaviour.
 */
final class Settings {
  private Settings() {}

  static final Setting<String> DATABASE_URL =
      Setting.of(
          "database.url",
          "PIPEWRIGHT_DATABASE_URL",
          Parsers.jdbcPostgres(),
          "jdbc:postgresql://127.0.0.1:5432/pipewright",
          "PostgreSQL JDBC URL (created and migrated at start)");
  static final Setting<String> DATABASE_USER =
      Setting.of(
          "database.user", "PIPEWRIGHT_DATABASE_USER", Parsers.nonBlank(), "postgres", "user");
  static final Setting<String> DATABASE_PASSWORD =
      Setting.of(
              "database.password", "PIPEWRIGHT_DATABASE_PASSWORD", Parsers.text(), "", "password")
          .asSecret();
  static final Setting<Integer> DATABASE_POOL_SIZE =
      Setting.of(
          "database.pool-size",
          "PIPEWRIGHT_DATABASE_POOL_SIZE",
          Parsers.positiveInt(),
          "16",
          "connections in the entry API's pool");
  static final Setting<Duration> DATABASE_CONNECT_TIMEOUT =
      Setting.of(
          "database.connect-timeout",
          "PIPEWRIGHT_DATABASE_CONNECT_TIMEOUT",
          Parsers.duration(),
          "3s",
          "how long a request waits for a connection before failing UNAVAILABLE");

  static final Setting<URI> AMQP_URI =
      Setting.of(
              "amqp.uri",
              "PIPEWRIGHT_AMQP_URI",
              Parsers.uri("amqp", "amqps"),
              "amqp://guest:guest@127.0.0.1:5672/%2F",
              "RabbitMQ URI (credentials included; never logged)")
          .asSecret();
  static final Setting<String> QUEUE_PREFIX =
      Setting.of(
          "amqp.queue-prefix",
          "PIPEWRIGHT_QUEUE_PREFIX",
          Parsers.nonBlank(),
          "pipewright",
          "names the exchange and queues; entry API and workers must agree");

  static final Setting<Integer> GRPC_PORT =
      Setting.of(
          "grpc.port",
          "PIPEWRIGHT_GRPC_PORT",
          Parsers.port(),
          "50051",
          "entry API gRPC port (0 picks a free one)");
  static final Setting<Integer> HTTP_PORT =
      Setting.of(
          "http.port",
          "PIPEWRIGHT_HTTP_PORT",
          Parsers.port(),
          "8080",
          "/healthz, /readyz, /metrics (and logs on the entry API); 0 picks a free one");

  static final Setting<String> BIND_ADDRESS =
      Setting.of(
          "bind-address",
          "PIPEWRIGHT_BIND_ADDRESS",
          Parsers.ipAddress(),
          "127.0.0.1",
          "the address every listener binds (entry API gRPC and HTTP, worker HTTP); `0.0.0.0` or"
              + " `::` for all interfaces, which needs `auth.mode` token (or `--insecure`)");
  static final Setting<AuthMode> AUTH =
      Setting.of(
          "auth.mode",
          "PIPEWRIGHT_AUTH",
          Parsers.oneOf(AuthMode.class),
          "token",
          "`token`: every call but health checks needs an API token (`authorization: Bearer`,"
              + " `pipewright token create`); `off`: none, only on a loopback address");
  static final Setting<MetricsAccess> METRICS_AUTH =
      Setting.of(
          "auth.metrics",
          "PIPEWRIGHT_METRICS_AUTH",
          Parsers.oneOf(MetricsAccess.class),
          "open",
          "`/metrics`: `open` to anyone, or `token` (any valid API token; needs `auth.mode` token)");
  static final Setting<Optional<Path>> TLS_CERT_FILE =
      Setting.of(
          "tls.cert-file",
          "PIPEWRIGHT_TLS_CERT_FILE",
          Parsers.optionalPath(),
          "",
          "PEM certificate chain, the server's first; with `tls.key-file`, gRPC and HTTP speak"
              + " TLS only");
  static final Setting<Optional<Path>> TLS_KEY_FILE =
      Setting.of(
          "tls.key-file",
          "PIPEWRIGHT_TLS_KEY_FILE",
          Parsers.optionalPath(),
          "",
          "PEM private key of that certificate, PKCS#8 (`BEGIN PRIVATE KEY`)");
  static final Setting<Optional<Path>> TLS_CLIENT_CA_FILE =
      Setting.of(
          "tls.client-ca-file",
          "PIPEWRIGHT_TLS_CLIENT_CA_FILE",
          Parsers.optionalPath(),
          "",
          "PEM CA certificates: when set, every client (HTTP probes too) must present a"
              + " certificate they issued (mutual TLS)");
  static final Setting<Duration> TLS_RELOAD_INTERVAL =
      Setting.of(
          "tls.reload-interval",
          "PIPEWRIGHT_TLS_RELOAD_INTERVAL",
          Parsers.duration(),
          "30s",
          "how often the TLS files are read again; changed ones serve new connections, no restart");
  static final Setting<Optional<Path>> SECRET_KEY_FILE =
      Setting.of(
          "secrets.key-file",
          "PIPEWRIGHT_SECRET_KEY_FILE",
          Parsers.optionalPath(),
          "",
          "the keys that seal secret values in the database, `<key id>:<base64 of 32 bytes>` a"
              + " line (`pipewright secret-key create`); the first seals, all open. Entry API and"
              + " workers need the same file; without one, builds with secrets are refused");

  static final Setting<String> ACTIONS_URL =
      Setting.of(
          "actions.url",
          "PIPEWRIGHT_ACTIONS_URL",
          Parsers.nonBlank(),
          "https://github.com",
          "where remote actions (`owner/repo@ref`) and called workflows are fetched from with git:"
              + " `<url>/<owner>/<repo>`");
  static final Setting<List<String>> ACTIONS_MIRRORS =
      Setting.of(
          "actions.mirrors",
          "PIPEWRIGHT_ACTIONS_MIRRORS",
          Parsers.list(),
          "",
          "comma-separated base URLs tried in order, the same way, when `actions.url` fails");
  static final Setting<Optional<Path>> ACTIONS_OFFLINE_DIR =
      Setting.of(
          "actions.offline-dir",
          "PIPEWRIGHT_ACTIONS_OFFLINE_DIR",
          Parsers.optionalPath(),
          "",
          "a directory of action repositories, `<owner>/<repo>` or `<owner>/<repo>.git`, tried"
              + " before any URL (clusters without network); empty: none");

  static final Setting<Integer> RELAY_BATCH_SIZE =
      Setting.of(
          "api.relay-batch-size",
          "PIPEWRIGHT_API_RELAY_BATCH_SIZE",
          Parsers.positiveInt(),
          "500",
          "outbox rows published (and confirmed) per broker round trip");
  static final Setting<Duration> LOG_POLL_INTERVAL =
      Setting.of(
          "api.log-poll-interval",
          "PIPEWRIGHT_API_LOG_POLL_INTERVAL",
          Parsers.duration(),
          "150ms",
          "how often a following GetBuildLogs looks for new chunks");

  static final Setting<Executor> EXECUTOR =
      Setting.of(
          "executor",
          "PIPEWRIGHT_EXECUTOR",
          Parsers.oneOf(Executor.class),
          "local",
          "where jobs run: local processes or Kubernetes Jobs");
  static final Setting<String> NODE_PATH =
      Setting.of(
          "worker.node-path",
          "PIPEWRIGHT_WORKER_NODE_PATH",
          Parsers.text(),
          "",
          "the Node.js program JavaScript actions run on when the job's image has none (local"
              + " executor; mounted into job containers at /__e/node); empty: the node on the"
              + " worker's PATH");
  static final Setting<Boolean> CONTAINER_ENGINE =
      Setting.of(
          "worker.container-engine",
          "PIPEWRIGHT_WORKER_CONTAINER_ENGINE",
          Parsers.bool(),
          "true",
          "local executor: whether the workers have podman for jobs with `container:`; the entry"
              + " API refuses such builds when false (it cannot look at the workers' machines)");
  static final Setting<Path> WORKSPACE_ROOT =
      Setting.computed(
          "workspace.root",
          "PIPEWRIGHT_WORKSPACE_ROOT",
          Parsers.path(),
          () -> Path.of(System.getProperty("java.io.tmpdir"), "pipewright").toString(),
          "`<java.io.tmpdir>/pipewright`",
          "a workspace per job instance under it, `<build>/<job>/`; kubernetes executor: where"
              + " the worker mounts the workspace PVC (each job's pod mounts its directories of it"
              + " at the same paths)");

  static final Setting<Integer> PARALLELISM =
      Setting.of(
          "worker.parallelism",
          "PIPEWRIGHT_PARALLELISM",
          Parsers.positiveInt(),
          "4",
          "job instances of one build running at once");
  static final Setting<Integer> WORKER_BUILDS =
      Setting.of(
          "worker.builds",
          "PIPEWRIGHT_WORKER_BUILDS",
          Parsers.positiveInt(),
          "8",
          "builds one worker runs at once (also the consumer prefetch)");
  static final Setting<String> WORKER_ID =
      Setting.computed(
          "worker.id",
          "PIPEWRIGHT_WORKER_ID",
          Parsers.nonBlank(),
          Settings::hostAndPid,
          "`<hostname>-<pid>`",
          "lease owner; unique among the workers sharing a database");
  static final Setting<Duration> LEASE =
      Setting.of(
          "worker.lease",
          "PIPEWRIGHT_LEASE_SECONDS",
          Parsers.seconds(),
          "30",
          "how long a claim holds without renewal (renewed every third); seconds or 30s");
  static final Setting<Duration> TICK =
      Setting.of(
          "worker.tick",
          "PIPEWRIGHT_WORKER_TICK",
          Parsers.duration(),
          "500ms",
          "period of the reconcile pass of each running build");
  static final Setting<Duration> REAPER_PERIOD =
      Setting.of(
          "worker.reaper-period",
          "PIPEWRIGHT_WORKER_REAPER_PERIOD",
          Parsers.duration(),
          "5s",
          "how often expired leases are looked for");
  static final Setting<Integer> MAX_JOB_ATTEMPTS =
      Setting.of(
          "worker.max-job-attempts",
          "PIPEWRIGHT_WORKER_MAX_JOB_ATTEMPTS",
          Parsers.positiveInt(),
          "3",
          "runs of a job lost with its worker before it fails");
  static final Setting<Integer> INFRASTRUCTURE_RETRIES =
      Setting.of(
          "worker.infrastructure-retries",
          "PIPEWRIGHT_WORKER_INFRASTRUCTURE_RETRIES",
          Parsers.nonNegativeInt(),
          "2",
          "runs of a job after the first when its pod or node failed under it (deleted, evicted,"
              + " preempted, node lost), each from its first step; 0 fails it at once");
  static final Setting<Long> STEP_LOG_LIMIT =
      Setting.of(
          "worker.step-log-limit",
          "PIPEWRIGHT_STEP_LOG_LIMIT",
          Parsers.byteSize(),
          "64MiB",
          "log kept of one step (UTF-8 bytes): past it a marker line, the step runs on to its exit"
              + " code, its further output is read but not stored");
  static final Setting<Long> BUILD_LOG_LIMIT =
      Setting.of(
          "worker.build-log-limit",
          "PIPEWRIGHT_BUILD_LOG_LIMIT",
          Parsers.byteSize(),
          "512MiB",
          "log kept of all the steps of one build together, the same way: eight steps at their"
              + " limit, so one build cannot fill the database");

  static final Setting<Duration> SHUTDOWN_GRACE =
      Setting.of(
          "shutdown.grace",
          "PIPEWRIGHT_SHUTDOWN_GRACE",
          Parsers.duration(),
          "10s",
          "how long stopping waits for running work before handing it back");

  static final Setting<LogFormat> LOG_FORMAT =
      Setting.of(
          "log.format",
          "PIPEWRIGHT_LOG_FORMAT",
          Parsers.oneOf(LogFormat.class),
          "text",
          "text lines or JSON lines (one object per event, MDC keys included)");
  static final Setting<String> LOG_LEVEL =
      Setting.of("log.level", "PIPEWRIGHT_LOG_LEVEL", Parsers.logLevel(), "INFO", "root log level");

  static final List<Setting<?>> ALL =
      Stream.of(
              List.of(
                  DATABASE_URL,
                  DATABASE_USER,
                  DATABASE_PASSWORD,
                  DATABASE_POOL_SIZE,
                  DATABASE_CONNECT_TIMEOUT,
                  AMQP_URI,
                  QUEUE_PREFIX,
                  GRPC_PORT,
                  HTTP_PORT,
                  BIND_ADDRESS,
                  AUTH,
                  METRICS_AUTH,
                  TLS_CERT_FILE,
                  TLS_KEY_FILE,
                  TLS_CLIENT_CA_FILE,
                  TLS_RELOAD_INTERVAL,
                  SECRET_KEY_FILE),
              ArtifactSettings.ALL,
              List.of(
                  ACTIONS_URL,
                  ACTIONS_MIRRORS,
                  ACTIONS_OFFLINE_DIR,
                  RELAY_BATCH_SIZE,
                  LOG_POLL_INTERVAL,
                  EXECUTOR,
                  WORKSPACE_ROOT,
                  PARALLELISM,
                  WORKER_BUILDS,
                  WORKER_ID,
                  LEASE,
                  TICK,
                  REAPER_PERIOD,
                  MAX_JOB_ATTEMPTS,
                  INFRASTRUCTURE_RETRIES,
                  STEP_LOG_LIMIT,
                  BUILD_LOG_LIMIT,
                  CONTAINER_ENGINE,
                  NODE_PATH,
                  SHUTDOWN_GRACE,
                  LOG_FORMAT,
                  LOG_LEVEL),
              KubernetesSettings.ALL)
          .flatMap(List::stream)
          .toList();

  /**
   * {@code PIPEWRIGHT_*} variables that are read elsewhere, not settings of the services: the CLI's
   * server address and API token, and the path of the config file itself.
   */
  static final List<String> OTHER_VARIABLES =
      List.of("PIPEWRIGHT_CONFIG", "PIPEWRIGHT_SERVER", "PIPEWRIGHT_TOKEN");

  static String hostAndPid() {
    return HostAndPid.VALUE;
  }

  // Resolved once: the host name lookup can take seconds where DNS is slow.
  private static final class HostAndPid {
    static final String VALUE = compute();
  }

  private static String compute() {
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      host = "localhost";
    }
    return host + "-" + ManagementFactory.getRuntimeMXBean().getPid();
  }
}
