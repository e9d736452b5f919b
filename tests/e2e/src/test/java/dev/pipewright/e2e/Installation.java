package dev.pipewright.e2e;

import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import dev.pipewright.api.ci.v1.Build;
import dev.pipewright.api.ci.v1.BuildStatus;
import dev.pipewright.api.ci.v1.GetBuildLogsRequest;
import dev.pipewright.api.ci.v1.GetBuildLogsResponse;
import dev.pipewright.api.ci.v1.GetBuildRequest;
import dev.pipewright.api.ci.v1.Job;
import dev.pipewright.api.ci.v1.LogChunk;
import dev.pipewright.api.ci.v1.PipelineServiceGrpc;
import dev.pipewright.api.ci.v1.StartPipelineBuildRequest;
import dev.pipewright.api.ci.v1.Variable;
import dev.pipewright.auth.Role;
import dev.pipewright.entryapi.EntryApi;
import dev.pipewright.entryapi.EntryApiConfig;
import dev.pipewright.ops.config.Listeners;
import dev.pipewright.ops.config.PipewrightConfig;
import dev.pipewright.pipeline.worker.PipelineService;
import dev.pipewright.pipeline.worker.WorkerConfig;
import dev.pipewright.queue.QueueNames;
import dev.pipewright.queue.QueueSettings;
import dev.pipewright.store.ApiTokenRepository;
import dev.pipewright.store.Database;
import dev.pipewright.store.ScratchDatabases;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * One throw-away Pipewright installation on the machine's PostgreSQL and RabbitMQ: its own database
 * and queue prefix (so test classes cannot see each other's builds), an entry API on a free gRPC
 * port reached over a real socket with an admin API token, and workers started on demand. Public
 * for bench/ and tests/faults (this module's test-jar).
 */
public final class Installation implements AutoCloseable {
  static final String POSTGRES = "jdbc:postgresql://127.0.0.1:5432/";

  /** Fast leases and ticks, so a lost worker's build is taken over within seconds. */
  public static final Map<String, String> FAST_TAKEOVER =
      Map.of(
          "PIPEWRIGHT_LEASE_SECONDS", "2",
          "PIPEWRIGHT_WORKER_REAPER_PERIOD", "250ms",
          "PIPEWRIGHT_WORKER_TICK", "100ms");

  public final String databaseUrl;
  public final QueueNames names;
  public final Path workspaces;

  /** The secret key file of the entry API and every worker; null for none. */
  private final Path secretKeyFile;

  final EntryApi api;
  final ManagedChannel channel;

  /** The admin token the stub sends, for HTTP routes. */
  public final String token;

  public final PipelineServiceGrpc.PipelineServiceBlockingStub stub;
  private final List<PipelineService> workers = new ArrayList<>();

  public Installation(String label) throws IOException {
    this(label, null);
  }

  /**
   * @param secretKeyFile the key file that seals secret values, given to the entry API and to every
   *     worker; null for none (builds with secrets are refused)
   */
  public Installation(String label, Path secretKeyFile) throws IOException {
    this(label, secretKeyFile, EntryApiConfig.defaults().listeners().bindAddress());
  }

  /**
   * @param bindAddress the address the entry API's ports bind: loopback unless jobs outside this
   *     machine (a real cluster's pods) reach it
   */
  public Installation(String label, Path secretKeyFile, String bindAddress) throws IOException {
    this(
        label,
        secretKeyFile,
        bindAddress,
        EntryApiConfig.defaults().artifacts().cacheBytesPerRepository());
  }

  /**
   * @param cacheBytesPerRepository {@code caches.max-bytes-per-repository}: past it the sweep
   *     ({@link #sweepArtifacts}) evicts a repository's least recently used caches
   */
  public Installation(
      String label, Path secretKeyFile, String bindAddress, long cacheBytesPerRepository)
      throws IOException {
    this.secretKeyFile = secretKeyFile;
    String suffix = UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    databaseUrl = POSTGRES + "pw_e2e_" + label + "_" + suffix;
    names = QueueNames.withPrefix("pw-e2e-" + label + "-" + suffix);
    workspaces = Files.createTempDirectory("pw-e2e-" + label + "-");
    EntryApiConfig defaults = EntryApiConfig.defaults();
    // Artifact bytes beside the workspaces: one temporary tree per installation.
    PipewrightConfig.Artifacts artifacts =
        new PipewrightConfig.Artifacts(
            workspaces.resolve("blobs"),
            defaults.artifacts().resultsUrl(),
            defaults.artifacts().retentionDays(),
            defaults.artifacts().sweepPeriod(),
            cacheBytesPerRepository,
            defaults.artifacts().cacheDefaultRef());
    EntryApiConfig config =
        defaults
            .withPorts(0, 0)
            .withDatabase(databaseUrl)
            .withQueue(QueueSettings.DEFAULT_URI, names.exchange())
            .withArtifacts(artifacts)
            .withListeners(
                new Listeners(
                    bindAddress,
                    defaults.listeners().auth(),
                    defaults.listeners().metrics(),
                    defaults.listeners().tls()));
    api =
        new EntryApi(secretKeyFile == null ? config : config.withSecretKeyFile(secretKeyFile))
            .start();
    channel =
        NettyChannelBuilder.forAddress("127.0.0.1", api.grpcPort())
            .usePlaintext()
            // GetBuildLogs pages of 64 KiB chunks pass gRPC's default 4 MiB limit.
            .maxInboundMessageSize(64 << 20)
            .build();
    token = adminToken(databaseUrl);
    Metadata bearer = new Metadata();
    bearer.put(
        Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
    stub =
        PipelineServiceGrpc.newBlockingStub(channel)
            .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(bearer));
  }

  /** An admin token in the installation's database, as 'pipewright token create' makes one. */
  private static String adminToken(String databaseUrl) {
    try (Database db = Database.open(databaseUrl, "postgres", "", 1)) {
      return new ApiTokenRepository(db.dsl()).create("e2e", Role.ADMIN).token().reveal();
    }
  }

  /** A worker with {@link #FAST_TAKEOVER}. */
  public WorkerConfig workerConfig(String workerId) {
    return workerConfig(workerId, FAST_TAKEOVER);
  }

  /**
   * A worker of this installation with the other settings from {@code environment}, as a worker
   * process reads them ({@code PIPEWRIGHT_*}, see libs/ops/CONFIGURATION.md), defaults for the
   * rest.
   */
  public WorkerConfig workerConfig(String workerId, Map<String, String> environment) {
    Map<String, String> env = new HashMap<>(environment);
    env.putAll(environment(workerId));
    return WorkerConfig.fromEnvironment(env);
  }

  /**
   * What makes a worker process part of this installation: its database, queues, workspace root and
   * worker id, as {@code PIPEWRIGHT_*} variables.
   */
  public Map<String, String> environment(String workerId) {
    Map<String, String> env = new HashMap<>();
    env.put("PIPEWRIGHT_DATABASE_URL", databaseUrl);
    env.put("PIPEWRIGHT_QUEUE_PREFIX", names.exchange());
    env.put("PIPEWRIGHT_WORKSPACE_ROOT", workspaces.toString());
    env.put("PIPEWRIGHT_WORKER_ID", workerId);
    if (secretKeyFile != null) {
      env.put("PIPEWRIGHT_SECRET_KEY_FILE", secretKeyFile.toString());
    }
    return env;
  }

  /** The entry API's HTTP port (health, metrics, {@code /builds/{id}/logs}). */
  public int httpPort() {
    return api.httpPort();
  }

  /**
   * The entry API's artifact and cache sweep, now rather than after its period.
   *
   * @return how many artifacts and caches it deleted
   */
  public int sweepArtifacts() {
    return api.sweepArtifactsNow();
  }

  /** The same settings, but {@code close()} hands running builds back at once (a killed worker). */
  public static WorkerConfig abrupt(WorkerConfig c) {
    return c.toBuilder().shutdownGrace(Duration.ZERO).build();
  }

  public PipelineService startWorker(WorkerConfig config) {
    return startWorker(new PipelineService(config));
  }

  /** Starts a worker built by the caller (one in Kubernetes mode, say); closed with the rest. */
  public PipelineService startWorker(PipelineService worker) {
    synchronized (workers) {
      workers.add(worker);
    }
    worker.start();
    return worker;
  }

  public String start(String yaml) {
    return start(yaml, Map.of());
  }

  /** Starts {@code yaml} with these variables (secret ones among them). */
  public String start(String yaml, Map<String, Variable> variables) {
    return stub.startPipelineBuild(
            StartPipelineBuildRequest.newBuilder()
                .setPipelineId("e2e")
                .setWorkflowPath("e2e.yml")
                .setWorkflowYaml(yaml)
                .putAllVariables(variables)
                .build())
        .getBuildId();
  }

  public Build get(String id) {
    return stub.withDeadlineAfter(10, TimeUnit.SECONDS)
        .getBuild(GetBuildRequest.newBuilder().setBuildId(id).build());
  }

  /** Polls GetBuild until the build is SUCCEEDED, FAILED or CANCELLED. */
  public Build awaitEnd(String id, Duration atMost) {
    return await()
        .atMost(atMost)
        .pollInterval(Duration.ofMillis(50))
        .until(() -> get(id), b -> terminal(b.getStatus()));
  }

  public static boolean terminal(BuildStatus s) {
    return s == BuildStatus.BUILD_STATUS_SUCCEEDED
        || s == BuildStatus.BUILD_STATUS_FAILED
        || s == BuildStatus.BUILD_STATUS_CANCELLED;
  }

  /** Every stored chunk of the build, in the API's order. */
  public List<LogChunk> logs(String id) {
    List<LogChunk> chunks = new ArrayList<>();
    Iterator<GetBuildLogsResponse> it =
        stub.withDeadlineAfter(30, TimeUnit.SECONDS)
            .getBuildLogs(GetBuildLogsRequest.newBuilder().setBuildId(id).build());
    it.forEachRemaining(r -> chunks.addAll(r.getChunksList()));
    return chunks;
  }

  /** The output of one job (all its steps), as text. */
  public String logText(String id, String jobKey) {
    return logs(id).stream()
        .filter(c -> c.getJobKey().equals(jobKey))
        .map(LogChunk::getContent)
        .collect(Collectors.joining());
  }

  public static Job job(Build build, String key) {
    return build.getJobsList().stream()
        .filter(j -> j.getKey().equals(key))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no job " + key + " in " + build));
  }

  @Override
  public void close() throws Exception {
    channel.shutdownNow();
    synchronized (workers) {
      workers.forEach(PipelineService::close);
    }
    api.close();
    ScratchDatabases.drop(databaseUrl, "postgres", "");
    ConnectionFactory factory = new ConnectionFactory();
    factory.setUri(QueueSettings.DEFAULT_URI);
    try (Connection connection = factory.newConnection();
        Channel ch = connection.createChannel()) {
      for (String q : List.of(names.buildQueue(), names.retryQueue(), names.deadLetterQueue())) {
        ch.queueDelete(q);
      }
      ch.exchangeDelete(names.exchange());
    }
    try (Stream<Path> files = Files.walk(workspaces)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
