package dev.pipewright.pipeline.worker;

import dev.pipewright.executor.JobRunner;
import dev.pipewright.executor.LogSink;
import dev.pipewright.kubernetes.operator.PipelineRunOperator;
import dev.pipewright.models.BuildStatus;
import dev.pipewright.ops.http.BackendReadiness;
import dev.pipewright.ops.http.OpsHttpServer;
import dev.pipewright.ops.http.ReadinessCheck;
import dev.pipewright.ops.lifecycle.GracefulShutdown;
import dev.pipewright.ops.metrics.PipewrightMetrics;
import dev.pipewright.pipeline.orchestrator.BuildLoops;
import dev.pipewright.pipeline.orchestrator.Orchestrator;
import dev.pipewright.queue.BuildConsumer;
import dev.pipewright.queue.OutboxRelay;
import dev.pipewright.queue.QueueClient;
import dev.pipewright.queue.QueueSettings;
import dev.pipewright.secrets.SecretBox;
import dev.pipewright.store.BuildRepository;
import dev.pipewright.store.Database;
import dev.pipewright.store.LogRepository;
import dev.pipewright.store.OutboxRepository;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker: consumes build ids, claims builds under a lease, runs them through the orchestrator
 * and a job runner, reaps builds whose worker vanished and relays the outbox to the queue (as the
 * entry API does), so requeued builds go out while no entry API runs. Any number of workers may
 * share one database and broker; the guarded claim makes each build run in exactly one of them.
 *
 * <pre>{@code
 * try (PipelineService worker = new PipelineService(WorkerConfig.from(config))) {
 *   worker.start();
 *   ... // until shutdown
 * }
 * }</pre>
 *
 * <p>This class starts and stops the worker's parts: {@link ClaimedBuilds} hands what the intake
 * claims to {@link RunningBuilds} (the orchestrator and build loops) within the build slots. In
 * Kubernetes mode ({@code executor: kubernetes}) {@link WorkerPipelineRuns} also creates each
 * claimed build's PipelineRun and runs the PipelineRun operator; deleting a run cancels its build.
 *
 * <p>Unless told otherwise ({@link Builder#serveHttp}), it serves {@code /healthz}, {@code /readyz}
 * (database and broker) and {@code /metrics} on {@link WorkerConfig#httpPort()}. A process that
 * embeds the worker next to the entry API passes its own {@link PipewrightMetrics} and serves them
 * itself, adding {@link #readinessChecks()} to its server.
 *
 * <p>{@link #close()} stops within {@code shutdownGrace} ({@link GracefulShutdown}): it stops
 * consuming, gives running builds the grace period minus a short reserve to finish, then stops
 * driving them without recording anything (local processes are killed, Kubernetes Jobs keep
 * running): their lease expires and another worker's reaper hands them to a successor, which runs
 * lost jobs again or re-attaches to the Jobs still running. Connections are closed last.
 */
public final class PipelineService implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(PipelineService.class);

  /** Outbox rows per broker round trip: mostly requeues here, which come a few at a time. */
  static final int RELAY_BATCH = 50;

  private final WorkerConfig config;
  private final Function<LogSink, JobRunner> runners;
  private final PipewrightMetrics sharedMetrics;
  private final boolean serveHttp;
  private final KubernetesClient sharedClient;
  private final boolean serverSideApply;

  private GracefulShutdown shutdown;
  private PipewrightMetrics metrics;
  private OpsHttpServer http;
  private volatile Database database;
  private WorkerPipelineRuns pipelineRuns;
  private JobRunner runner;
  private RunningBuilds running;
  private volatile QueueClient queue;

  /** A worker with the runner named by {@link WorkerConfig#executor()}. */
  public PipelineService(WorkerConfig config) {
    this(builder(config));
  }

  private PipelineService(Builder b) {
    this.config = b.config;
    this.runners = b.runners;
    this.sharedMetrics = b.metrics;
    this.serveHttp = b.serveHttp;
    this.sharedClient = b.kubernetesClient;
    this.serverSideApply = b.serverSideApply;
  }

  public static Builder builder(WorkerConfig config) {
    return new Builder(config);
  }

  /** What a worker is made of besides its settings. */
  public static final class Builder {
    private final WorkerConfig config;
    private Function<LogSink, JobRunner> runners;
    private PipewrightMetrics metrics;
    private boolean serveHttp = true;
    private KubernetesClient kubernetesClient;
    private boolean serverSideApply = true;

    private Builder(WorkerConfig config) {
      this.config = java.util.Objects.requireNonNull(config, "config");
    }

    /** Another runner than the one {@link WorkerConfig#executor()} names. */
    public Builder runners(Function<LogSink, JobRunner> runners) {
      this.runners = runners;
      return this;
    }

    /**
     * Meters to record into, shared with the caller (e.g. with the entry API in one process); the
     * worker then leaves closing them to the caller. By default it creates its own.
     */
    public Builder metrics(PipewrightMetrics metrics) {
      this.metrics = metrics;
      return this;
    }

    /**
     * Whether to serve /healthz, /readyz and /metrics on {@link WorkerConfig#httpPort()} (default
     * yes; nothing is served when that is {@link WorkerConfig#NO_HTTP} anyway).
     */
    public Builder serveHttp(boolean serveHttp) {
      this.serveHttp = serveHttp;
      return this;
    }

    /**
     * The Kubernetes client of Kubernetes mode, owned by the caller. By default the worker builds
     * one from the environment (in-cluster service account, else kubeconfig) and closes it.
     *
     * @param serverSideApply whether the operator writes finalizers and status with server-side
     *     apply; false for API servers without it (Fabric8's mock server)
     */
    public Builder kubernetes(KubernetesClient client, boolean serverSideApply) {
      this.kubernetesClient = client;
      this.serverSideApply = serverSideApply;
      return this;
    }

    public PipelineService build() {
      return new PipelineService(this);
    }
  }

  public WorkerConfig config() {
    return config;
  }

  /**
   * Opens (and migrates) the database, connects to the broker and starts relaying, consuming and
   * reaping; in Kubernetes mode also the runner's informers and the PipelineRun operator. What was
   * started is stopped again when a later step fails.
   *
   * @throws dev.pipewright.models.CiException TRANSIENT when PostgreSQL or RabbitMQ is down
   */
  public synchronized void start() {
    if (shutdown != null) {
      throw new IllegalStateException("already started");
    }
    shutdown = new GracefulShutdown(config.shutdownGrace());
    try {
      startAll();
    } catch (RuntimeException e) {
      shutdown.shutdown();
      throw e;
    }
  }

  // Each resource is registered right after it started: stopping runs in reverse.
  private void startAll() {
    // First: a key file that cannot be read stops the start before anything runs.
    Optional<SecretBox> secretBox = SecretBox.load(config.secretKeyFile());
    LOG.info(
        "worker {}: {}",
        config.workerId(),
        secretBox
            .map(b -> "opens secret values with keys " + b.keys().ids())
            .orElse("no secret key (PIPEWRIGHT_SECRET_KEY_FILE): builds with secrets fail"));
    metrics = sharedMetrics != null ? sharedMetrics : PipewrightMetrics.prometheus();
    if (sharedMetrics == null) {
      shutdown.register("metrics", metrics::close);
    }
    if (serveHttp && config.httpPort() != WorkerConfig.NO_HTTP) {
      http =
          WorkerHttp.start(config, metrics, () -> connected(database), readinessChecks(), shutdown);
    }
    database =
        Database.open(config.databaseUrl(), config.databaseUser(), config.databasePassword());
    shutdown.register("database", database::close);
    BuildRepository builds = new BuildRepository(database.dsl(), secretBox);
    JdbcRunStore store = new JdbcRunStore(builds, database.dsl(), config.workerId(), metrics);
    if (config.kubernetesExecutor()) {
      KubernetesClient client =
          sharedClient != null ? sharedClient : new KubernetesClientBuilder().build();
      if (sharedClient == null) {
        shutdown.register("kubernetes client", client::close);
      }
      pipelineRuns = new WorkerPipelineRuns(client, config.kubernetes());
    }
    runner =
        runner(new StoreLogSink(new LogRepository(database.dsl()), metrics, config.logLimits()));
    shutdown.register("runner", this::stopRunner);
    running = new RunningBuilds(config, builds, store, runner, secretBox, metrics);
    queue = connectQueue();
    shutdown.register("rabbitmq", queue::close);
    // The entry API's relay may not be running (scaled to zero, restarting, or a workers-only
    // deployment): without this one, builds this worker's reaper requeues would never go out.
    OutboxRelay relay =
        new OutboxRelay(
            new OutboxRepository(database.dsl()), queue.publisher(), RELAY_BATCH, metrics);
    relay.start();
    shutdown.register("outbox relay", relay::close);
    Reaper reaper = new Reaper(builds, metrics, relay::wake).start(config.reaperPeriod());
    shutdown.register("reaper", reaper::close);
    if (pipelineRuns != null) {
      PipelineRunOperator operator =
          pipelineRuns.startOperator(builds, running.loops(), serverSideApply);
      shutdown.register("pipelinerun operator", operator::close);
    }
    shutdown.register("builds", running::finishOrHandBack);
    ClaimedBuilds claims =
        new ClaimedBuilds(config.concurrentBuilds(), running.loops(), metrics, pipelineRuns);
    BuildIntake intake =
        new BuildIntake(
            builds,
            config.workerId(),
            config.lease(),
            queue.settings().maxAttempts(),
            claims::runClaimed,
            metrics);
    // One delivery at a time per channel: a busy worker leaves the rest to the others.
    BuildConsumer consumer =
        queue.consume(message -> claims.withSlot(() -> intake.handle(message)), 1, 2);
    shutdown.register("consumer", consumer::close);
    LOG.info(
        "worker {} consuming {} (executor {}, {} builds x {} jobs)",
        config.workerId(),
        config.queueNames().buildQueue(),
        config.executor(),
        config.concurrentBuilds(),
        config.parallelism());
  }

  private QueueClient connectQueue() {
    QueueClient client;
    try {
      client = QueueClient.create(QueueSettings.of(config.amqpUri(), config.queueNames()));
    } catch (RuntimeException e) {
      metrics.brokerError("connect");
      throw e;
    }
    try {
      client.declareTopology();
    } catch (RuntimeException e) {
      metrics.brokerError("declare");
      client.close();
      throw e;
    }
    return client;
  }

  /**
   * The checks behind {@code /readyz}: the database answers a query, the broker connection is up.
   * Usable once {@link #start()} began; an embedding process adds them to its own server.
   */
  public Map<String, ReadinessCheck> readinessChecks() {
    return BackendReadiness.of(
        () -> connected(database).dsl().selectOne().fetch(),
        () -> connected(queue).reachable(),
        metrics);
  }

  private static <T> T connected(T backend) {
    if (backend == null) {
      throw new IllegalStateException("not connected");
    }
    return backend;
  }

  private JobRunner runner(LogSink sink) {
    return runners != null
        ? runners.apply(sink)
        : WorkerRunners.of(config, pipelineRuns == null ? null : pipelineRuns.client(), sink);
  }

  /** Drives a build this worker claimed by other means (tests, the CLI's embedded modes). */
  public CompletableFuture<BuildStatus> run(String buildId) {
    return running.loops().run(buildId);
  }

  public Orchestrator orchestrator() {
    return running.orchestrator();
  }

  public BuildLoops loops() {
    return running.loops();
  }

  public Database database() {
    return database;
  }

  /** The meters this worker records into (its own, or the ones it was given). */
  public PipewrightMetrics metrics() {
    return metrics;
  }

  /** The bound HTTP port, or {@link WorkerConfig#NO_HTTP} when this worker serves none. */
  public int httpPort() {
    return http == null ? WorkerConfig.NO_HTTP : http.port();
  }

  /**
   * Abandons the runner's jobs: the engine stops following them without recording anything. The
   * successor that takes their builds over re-attaches to those whose host lets it (the pod host's
   * commands run on) and runs the others again as a new attempt.
   */
  private void stopRunner() {
    runner.close();
  }

  /**
   * Stops consuming, lets running builds finish for a while, then hands the rest back and closes
   * connections, all within {@code shutdownGrace}.
   */
  @Override
  public synchronized void close() {
    if (shutdown == null) {
      return;
    }
    GracefulShutdown.Report report = shutdown.shutdown();
    if (!report.clean()) {
      LOG.warn(
          "worker {} stopped uncleanly: timed out {}, failed {}",
          config.workerId(),
          report.timedOut(),
          report.failed());
    }
    database = null;
    queue = null;
  }
}
