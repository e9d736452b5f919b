package dev.pipewright.entryapi;

import dev.pipewright.auth.Authenticator;
import dev.pipewright.auth.RememberedTokens;
import dev.pipewright.auth.Role;
import dev.pipewright.entryapi.artifacts.ArtifactAccess;
import dev.pipewright.entryapi.artifacts.ArtifactDownloads;
import dev.pipewright.entryapi.artifacts.ArtifactEndpoints;
import dev.pipewright.models.CiException;
import dev.pipewright.models.ErrorCode;
import dev.pipewright.ops.config.Listeners;
import dev.pipewright.ops.http.BackendReadiness;
import dev.pipewright.ops.http.HttpGuard;
import dev.pipewright.ops.http.OpsHttpServer;
import dev.pipewright.ops.http.ReadinessCheck;
import dev.pipewright.ops.metrics.PipewrightMetrics;
import dev.pipewright.ops.tls.ServerTls;
import dev.pipewright.queue.BuildPublisher;
import dev.pipewright.queue.OutboxRelay;
import dev.pipewright.queue.QueueClient;
import dev.pipewright.queue.QueueNames;
import dev.pipewright.queue.QueueSettings;
import dev.pipewright.secrets.SecretBox;
import dev.pipewright.store.AdmissionWriter;
import dev.pipewright.store.ApiTokenRepository;
import dev.pipewright.store.BuildRepository;
import dev.pipewright.store.Database;
import dev.pipewright.store.LogRepository;
import dev.pipewright.store.OutboxRepository;
import io.grpc.Server;
import io.grpc.ServerBuilder;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jooq.DSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The entry API process: the ci.v1 gRPC services (with server reflection and the standard health
 * service), the outbox relay, and the HTTP probes. Every call but health checks needs an API token
 * with the role {@link MethodRoles} names, unless authentication is off; both ports bind {@code
 * bind-address} and speak TLS when {@code tls.*} is set. Embeddable:
 *
 * <pre>{@code
 * try (EntryApi api = new EntryApi(EntryApiConfig.fromEnvironment()).start()) {
 *   api.awaitTermination();
 * }
 * }</pre>
 *
 * <p>{@link #start()} creates and migrates the database (failing if PostgreSQL is down), declares
 * the queue topology (tolerating a broker that is down: builds then wait PENDING until it is back),
 * and starts serving. Port 0 binds a free port; {@link #grpcPort()} tells which.
 *
 * <p>By default it serves {@code /healthz}, {@code /readyz} (database and broker), {@code /metrics}
 * {@code /builds/{id}/logs} and {@code /builds/{id}/artifacts/{name}} on {@link
 * EntryApiConfig#httpPort()}. A process embedding it next to other services ({@code pipewright
 * serve}) passes its own meters with {@link Builder#metrics}, turns that server off with {@link
 * Builder#serveHttp} and serves {@link #http(int)} with {@link #readinessChecks()} itself.
 */
public final class EntryApi implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EntryApi.class);
  // Builds per insert statement, and statements in flight: one batch forms while one is written.
  private static final int ADMISSION_BATCH = 128;
  private static final int ADMISSION_WRITERS = 2;

  private final EntryApiConfig config;
  private final ServerBuilder<?> grpcBuilder; // null: Netty on the configured address
  private final PipewrightMetrics sharedMetrics;
  private final boolean serveHttp;
  private final Deque<AutoCloseable> resources = new ArrayDeque<>();
  private Server grpcServer;
  private OpsHttpServer http;
  private OutboxRelay relay;
  private PipewrightMetrics metrics;
  private volatile Database database;
  private volatile QueueClient queue;
  private BuildRoutes buildRoutes;
  private ConsoleApi consoleApi;
  private Optional<ServerTls> tls = Optional.empty();
  private HttpGuard httpGuard;
  private volatile ArtifactEndpoints artifacts; // null without a secret key

  public EntryApi(EntryApiConfig config) {
    this(builder(config));
  }

  /** With another transport, e.g. an {@code InProcessServerBuilder} in tests. */
  public EntryApi(EntryApiConfig config, ServerBuilder<?> grpcBuilder) {
    this(builder(config).grpc(grpcBuilder));
  }

  private EntryApi(Builder b) {
    this.config = b.config;
    this.grpcBuilder = b.grpc;
    this.sharedMetrics = b.metrics;
    this.serveHttp = b.serveHttp;
  }

  public static Builder builder(EntryApiConfig config) {
    return new Builder(config);
  }

  /** What an entry API is made of besides its settings. */
  public static final class Builder {
    private final EntryApiConfig config;
    private ServerBuilder<?> grpc;
    private PipewrightMetrics metrics;
    private boolean serveHttp = true;

    private Builder(EntryApiConfig config) {
      this.config = Objects.requireNonNull(config, "config");
    }

    /**
     * Another gRPC transport than Netty on {@link EntryApiConfig#grpcPort()} (which binds the
     * configured address, with TLS when configured).
     */
    public Builder grpc(ServerBuilder<?> grpcBuilder) {
      this.grpc = Objects.requireNonNull(grpcBuilder, "grpcBuilder");
      return this;
    }

    /**
     * Meters to record into, shared with the caller (e.g. with the worker in one process); closing
     * them is then the caller's. By default the API creates its own.
     */
    public Builder metrics(PipewrightMetrics metrics) {
      this.metrics = Objects.requireNonNull(metrics, "metrics");
      return this;
    }

    /**
     * Whether to serve /healthz, /readyz, /metrics and the plain-text logs on {@link
     * EntryApiConfig#httpPort()} (default yes). Off, the caller serves {@link #readinessChecks()}
     * on its own server.
     */
    public Builder serveHttp(boolean serveHttp) {
      this.serveHttp = serveHttp;
      return this;
    }

    public EntryApi build() {
      return new EntryApi(this);
    }
  }

  public EntryApiConfig config() {
    return config;
  }

  public synchronized EntryApi start() {
    try {
      startAll();
      return this;
    } catch (IOException e) {
      close();
      throw new CiException(ErrorCode.PERMANENT, "cannot listen: " + e.getMessage(), e);
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  private void startAll() throws IOException {
    // First: a key file that cannot be read stops the start before anything listens.
    Optional<SecretBox> secretBox = SecretBox.load(config.secretKeyFile());
    metrics = sharedMetrics != null ? sharedMetrics : PipewrightMetrics.prometheus();
    if (sharedMetrics == null) {
      resources.push(metrics);
    }
    // Requests give up on an unreachable database within seconds (UNAVAILABLE) rather than
    // waiting out the pool's default of 30 s.
    Database database =
        Database.open(
            config.databaseUrl(),
            config.databaseUser(),
            config.databasePassword(),
            new Database.PoolOptions(config.databasePoolSize(), config.databaseConnectTimeout()));
    resources.push(database);
    this.database = database;
    DSLContext dsl = database.dsl();
    BuildRepository builds = new BuildRepository(dsl, secretBox);
    if (secretBox.isPresent()) {
      log.info(
          "Secret values are sealed with key {} (keys loaded: {})",
          secretBox.get().keys().sealingId(),
          secretBox.get().keys().ids());
    } else {
      log.info("No secret key (PIPEWRIGHT_SECRET_KEY_FILE): builds with secrets are refused");
    }

    QueueClient queue =
        QueueClient.create(
            QueueSettings.of(config.amqpUri(), QueueNames.withPrefix(config.queuePrefix())));
    resources.push(queue);
    this.queue = queue;
    try {
      queue.declareTopology();
    } catch (CiException e) {
      metrics.brokerError("declare");
      log.warn(
          "RabbitMQ unreachable at start, builds stay PENDING until it is: {}", e.getMessage());
    }
    BuildPublisher publisher = queue.publisher();
    relay = new OutboxRelay(new OutboxRepository(dsl), publisher, config.relayBatchSize(), metrics);
    resources.push(relay);
    relay.start();

    ScheduledExecutorService scheduler =
        Executors.newScheduledThreadPool(
            2, Thread.ofPlatform().name("log-follow-", 0).daemon().factory());
    resources.push(scheduler::shutdownNow);
    // Closed after the gRPC server stopped, so calls still in flight get their builds written.
    AdmissionWriter admissions = new AdmissionWriter(builds, ADMISSION_BATCH, ADMISSION_WRITERS);
    resources.push(admissions);
    LogSource logs = StoreLogs.source(new LogRepository(dsl));
    Optional<ArtifactAccess> artifactAccess = Optional.empty();
    if (secretBox.isPresent()) {
      artifacts =
          ArtifactEndpoints.create(
              config.artifacts(), secretBox.get().keys(), dsl, config.listeners().tls().enabled());
      artifacts.scheduleSweep(scheduler, config.artifacts().sweepPeriod());
      artifactAccess = Optional.of(artifacts.access());
    } else {
      log.info("No secret key (PIPEWRIGHT_SECRET_KEY_FILE): the artifact service is off");
    }
    buildRoutes =
        new BuildRoutes(
            new PlainTextLogs(builds, logs),
            artifactAccess.map(
                a -> new ArtifactDownloads(a, id -> builds.findRow(id).isPresent())));
    Listeners listeners = config.listeners();
    tls = ServerTls.startIfEnabled(listeners.tls());
    tls.ifPresent(resources::push);
    ApiTokenRepository tokens = new ApiTokenRepository(dsl);
    RememberedTokens remembered = RememberedTokens.of(tokens);
    Authenticator authenticator =
        listeners.authEnabled() ? Authenticator.of(remembered) : Authenticator.disabled();
    if (listeners.authEnabled() && !tokens.anyLive()) {
      log.warn(
          "No API token exists yet, so every call is refused: create the first one with"
              + " 'pipewright token create --name admin --role admin --database'");
    }
    httpGuard = new HttpGuard(authenticator, metrics);
    AdmissionActions actions = AdmissionActions.open(config.actions());
    resources.push(actions);
    PipelineServiceImpl pipelines =
        new PipelineServiceImpl(
            builds,
            admissions,
            logs,
            relay::wake,
            scheduler,
            config.logPollInterval(),
            metrics,
            new WorkflowValidator(config.target(), actions.resolver(), 1024),
            new ArtifactCalls(artifactAccess, scheduler));
    consoleApi =
        new ConsoleApi(
            pipelines, new ConsoleEvents(pipelines, config.logPollInterval()), httpGuard);
    grpcServer =
        GrpcListener.start(
            grpcBuilder,
            listeners,
            config.grpcPort(),
            tls,
            authenticator,
            metrics,
            pipelines,
            tokens,
            remembered);
    resources.push(this::stopGrpc);

    if (serveHttp) {
      OpsHttpServer.Builder server = http(config.httpPort());
      readinessChecks().forEach(server::readiness);
      http = server.start();
      resources.push(http);
    }

    log.info(
        "Entry API listening on {}: gRPC on port {}, HTTP on port {} ({}, {}; database {}, broker"
            + " {})",
        config.listeners().bindAddress(),
        grpcPort(),
        httpPort(),
        tls.isPresent() ? "TLS" : "plain text",
        config.listeners().authEnabled() ? "API tokens required" : "NO authentication",
        config.databaseUrl(),
        config.amqpEndpoint());
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

  /**
   * An HTTP server as this API exposes one: on the configured address, with its TLS, {@code
   * /metrics} (open or for tokens, as configured), {@code /builds/{id}/logs} as plain text and
   * {@code /builds/{id}/artifacts/{name}} for read tokens ({@link BuildRoutes}), the web console
   * ({@link ConsoleAssets} under {@code /console/}, its data routes {@link ConsoleApi} under {@code
   * /api/}), and the artifact service when a secret key is configured ({@link ArtifactEndpoints});
   * readiness checks are the caller's to add. Usable once {@link #start()} ran; an embedding
   * process serves it for several services.
   */
  public OpsHttpServer.Builder http(int port) {
    if (buildRoutes == null) {
      throw new IllegalStateException("not started");
    }
    OpsHttpServer.Builder server =
        OpsHttpServer.builder(port)
            .expose(config.listeners(), tls, httpGuard)
            .metrics(metrics)
            .route(PlainTextLogs.PATH, httpGuard.require(Role.READ, buildRoutes))
            // The console's files are open (no data in them); ConsoleApi checks each route's role.
            .route(ConsoleAssets.PATH, new ConsoleAssets(EntryApi.class.getClassLoader()))
            .route(ConsoleApi.PATH, consoleApi)
            .route("/", ConsoleAssets::root);
    // Runtime tokens and signed URLs guard these, not API tokens: jobs call them.
    if (artifacts != null) {
      artifacts.routes().forEach(server::route);
    }
    return server;
  }

  /** The meters recorded into (the shared ones when given); null before {@link #start()}. */
  public PipewrightMetrics metrics() {
    return metrics;
  }

  /**
   * One artifact and cache sweep now, as its schedule ({@code artifacts.sweep-period}) runs it: for
   * tests that check what it deletes without waiting a period.
   *
   * @return how many artifacts and caches it deleted
   * @throws IllegalStateException when the artifact service is off (no secret key) or not started
   */
  public int sweepArtifactsNow() {
    ArtifactEndpoints a = artifacts;
    if (a == null) {
      throw new IllegalStateException("the artifact service is not running: no secret key");
    }
    return a.sweepNow();
  }

  /** The bound gRPC port, or -1 for a transport without one (in-process). */
  public int grpcPort() {
    return grpcServer == null ? -1 : grpcServer.getPort();
  }

  /** The bound HTTP port, or -1 when not serving HTTP. */
  public int httpPort() {
    return http == null ? -1 : http.port();
  }

  /** Blocks until {@link #close()} ran (from another thread or a shutdown hook). */
  public void awaitTermination() throws InterruptedException {
    Server server;
    synchronized (this) {
      server = grpcServer;
    }
    if (server != null) {
      server.awaitTermination();
    }
  }

  /** Relays pending outbox rows now (tests and benchmarks use it to skip the idle wait). */
  void wakeRelay() {
    if (relay != null) {
      relay.wake();
    }
  }

  private void stopGrpc() throws InterruptedException {
    grpcServer.shutdown();
    if (!grpcServer.awaitTermination(5, TimeUnit.SECONDS)) {
      grpcServer.shutdownNow();
    }
  }

  @Override
  public synchronized void close() {
    while (!resources.isEmpty()) {
      AutoCloseable resource = resources.pop();
      try {
        resource.close();
      } catch (Exception e) {
        log.warn("Stopping {} failed", resource, e);
      }
    }
  }
}
