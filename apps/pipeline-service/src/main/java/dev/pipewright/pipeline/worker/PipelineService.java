package dev.pipewright.pipeline.worker;

import dev.pipewright.auth.Authenticator;
import dev.pipewright.executor.JobRunner;
import dev.pipewright.executor.LogSink;
import dev.pipewright.kubernetes.PipelineRuns;
import dev.pipewright.kubernetes.operator.PipelineRunOperator;
import dev.pipewright.kubernetes.operator.PipelineRunReconciler;
import dev.pipewright.models.BuildStatus;
import dev.pipewright.models.CiException;
import dev.pipewright.ops.http.BackendReadiness;
import dev.pipewright.ops.http.HttpGuard;
import dev.pipewright.ops.http.OpsHttpServer;
import dev.pipewright.ops.http.ReadinessCheck;
import dev.pipewright.ops.lifecycle.GracefulShutdown;
import dev.pipewright.ops.metrics.PipewrightMetrics;
import dev.pipewright.ops.tls.ServerTls;
import dev.pipewright.pipeline.orchestrator.BuildLoops;
import dev.pipewright.pipeline.orchestrator.Orchestrator;
import dev.pipewright.pipelinerun.v1alpha1.PipelineRunSpec;
import dev.pipewright.queue.BuildConsumer;
import dev.pipewright.queue.OutboxRelay;
import dev.pipewright.queue.Outcome;
import dev.pipewright.queue.QueueClient;
import dev.pipewright.queue.QueueSettings;
import dev.pipewright.secrets.SecretBox;
import dev.pipewright.store.ApiTokenRepository;
import dev.pipewright.store.BuildRepository;
import dev.pipewright.store.BuildView;
import dev.pipewright.store.Database;
import dev.pipewright.store.LogRepository;
import dev.pipewright.store.OutboxRepository;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.function.Function;
import java.util.function.Supplier;
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
 * <p>In Kubernetes mode ({@code executor: kubernetes}) it also creates each claimed build's
 * PipelineRun and runs the PipelineRun operator, whose events trigger passes of the build loops
 * (the loops stay the only driver); deleting a run cancels its build. Runs, Jobs, Pods and Secrets
 * carry the installation's label ({@code kubernetes.installation}) and only those are watched, so
 * installations sharing a namespace leave each other's builds alone.
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

  /** The most of the grace period kept for closing connections after the builds were waited for. */
  static final Duration CLOSE_RESERVE = Duration.ofSeconds(2);

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
  private BuildRepository builds;
  private KubernetesClient kubernetes;
  private JobRunner runner;
  private Orchestrator orchestrator;
  private BuildLoops loops;
  private volatile QueueClient queue;
  private Semaphore slots;
  private final ThreadLocal<Boolean> claimedHere = ThreadLocal.withInitial(() -> false);

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
      startHttp();
    }
    database =
        Database.open(config.databaseUrl(), config.databaseUser(), config.databasePassword());
    shutdown.register("database", database::close);
    builds = new BuildRepository(database.dsl(), secretBox);
    JdbcRunStore store = new JdbcRunStore(builds, database.dsl(), config.workerId(), metrics);
    if (config.kubernetesExecutor()) {
      kubernetes = sharedClient != null ? sharedClient : new KubernetesClientBuilder().build();
      if (sharedClient == null) {
        shutdown.register("kubernetes client", kubernetes::close);
      }
    }
    runner =
        runner(new StoreLogSink(new LogRepository(database.dsl()), metrics, config.logLimits()));
    shutdown.register("runner", this::stopRunner);
    orchestrator =
        new Orchestrator(
            store,
            runner,
            config.parallelism(),
            config.attempts(),
            metrics,
            WorkerRunners.calledWorkflows(config));
    orchestrator.jobServices(WorkerRunners.jobServices(config, secretBox));
    loops =
        new BuildLoops(
            orchestrator,
            config.tick(),
            id -> builds.renewLease(UUID.fromString(id), config.workerId(), config.lease()),
            config.lease().dividedBy(3),
            metrics);
    metrics.runningBuilds(() -> loops.running().size());
    metrics.runningJobs(orchestrator::activeJobs);
    slots = new Semaphore(config.concurrentBuilds());
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
    if (kubernetes != null) {
      String namespace = config.kubernetes().namespace();
      PipelineRunOperator operator =
          PipelineRunOperator.start(
              kubernetes,
              namespace,
              new PipelineRunReconciler(
                  new WorkerBuildReconciler(builds, loops), config.kubernetes().installation()),
              serverSideApply);
      shutdown.register("pipelinerun operator", operator::close);
      LOG.info(
          "PipelineRun operator watching namespace {}, installation {}",
          namespace,
          config.kubernetes().installation());
    }
    shutdown.register("builds", this::finishOrHandBack);
    BuildIntake intake =
        new BuildIntake(
            builds,
            config.workerId(),
            config.lease(),
            queue.settings().maxAttempts(),
            this::runClaimed,
            metrics);
    // One delivery at a time per channel: a busy worker leaves the rest to the others.
    BuildConsumer consumer = queue.consume(message -> withSlot(() -> intake.handle(message)), 1, 2);
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
   * {@code /healthz}, {@code /readyz} and {@code /metrics}, exposed as configured; tokens for
   * {@code /metrics} are those of the worker's database (opened later, so looked up per request).
   */
  private void startHttp() {
    Optional<ServerTls> tls = ServerTls.startIfEnabled(config.listeners().tls());
    tls.ifPresent(t -> shutdown.register("tls", t::close));
    HttpGuard guard =
        new HttpGuard(
            Authenticator.of(id -> new ApiTokenRepository(connected(database).dsl()).live(id)),
            metrics);
    OpsHttpServer.Builder server =
        OpsHttpServer.builder(config.httpPort())
            .expose(config.listeners(), tls, guard)
            .metrics(metrics);
    readinessChecks().forEach(server::readiness);
    http = server.start();
    shutdown.onBegin(http::markShuttingDown);
    shutdown.register("http", http::close);
    LOG.info(
        "worker HTTP (/healthz, /readyz, /metrics) on {} port {}{}",
        config.listeners().bindAddress(),
        http.port(),
        tls.isPresent() ? " (TLS)" : "");
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
    return runners != null ? runners.apply(sink) : WorkerRunners.of(config, kubernetes, sink);
  }

  /**
   * Waits for a free build slot before claiming, so the delivery stays with the broker (and other
   * workers) while this one is full. The slot goes with a claimed build until its loop ends.
   */
  private Outcome withSlot(Supplier<Outcome> claim) {
    try {
      slots.acquire();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Outcome.requeue();
    }
    claimedHere.set(false);
    try {
      return claim.get();
    } finally {
      if (!claimedHere.get()) {
        slots.release();
      }
      claimedHere.remove();
    }
  }

  /** Called by the intake on the delivery's thread once the claim is committed. */
  private void runClaimed(BuildView build) {
    claimedHere.set(true);
    String buildId = build.id().toString();
    // The loop first: the queue-lag metric and the PipelineRun are not the build's business, and a
    // trivial build paid for them in latency. The runner ensures the PipelineRun again before the
    // build's first Job, and a second create of it is a conflict it reads back.
    loops.run(buildId).whenComplete((status, error) -> slots.release());
    claimed(build);
  }

  /**
   * Queue lag, and the build's PipelineRun in Kubernetes mode, from the row the claim returned;
   * neither may stop the build.
   */
  private void claimed(BuildView build) {
    String buildId = build.id().toString();
    if (build.queuedAt() != null) {
      Duration lag = Duration.between(build.queuedAt(), Instant.now());
      metrics.queueLag(lag.isNegative() ? Duration.ZERO : lag);
    }
    if (kubernetes != null) {
      PipelineRunSpec spec = new PipelineRunSpec(buildId);
      spec.setPipelineId(build.pipelineId());
      spec.setRepository(build.repositoryUrl());
      spec.setRef(build.repositoryRef());
      spec.setSha(build.repositorySha());
      spec.setRunAttempt(build.runAttempt());
      try {
        PipelineRuns.ensure(
            kubernetes, config.kubernetes().namespace(), config.kubernetes().installation(), spec);
      } catch (KubernetesClientException | CiException e) {
        // The runner ensures it again before the build's first Job.
        LOG.warn("build {}: cannot create its PipelineRun yet: {}", buildId, e.getMessage());
      }
    }
  }

  /** Drives a build this worker claimed by other means (tests, the CLI's embedded modes). */
  public CompletableFuture<BuildStatus> run(String buildId) {
    return loops.run(buildId);
  }

  public Orchestrator orchestrator() {
    return orchestrator;
  }

  public BuildLoops loops() {
    return loops;
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

  /** Waits for running builds within the grace period minus a reserve, then hands the rest back. */
  private void finishOrHandBack() {
    Duration grace = config.shutdownGrace();
    Duration reserve =
        grace.dividedBy(4).compareTo(CLOSE_RESERVE) < 0 ? grace.dividedBy(4) : CLOSE_RESERVE;
    if (!loops.awaitIdle(grace.minus(reserve))) {
      LOG.info("worker {}: handing back builds {}", config.workerId(), loops.running());
    }
    loops.close();
    orchestrator.forgetAll();
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
