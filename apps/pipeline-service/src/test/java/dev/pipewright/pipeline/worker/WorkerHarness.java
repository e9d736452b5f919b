package dev.pipewright.pipeline.worker;

import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import dev.pipewright.models.BuildStatus;
import dev.pipewright.ops.metrics.PipewrightMetrics;
import dev.pipewright.queue.BuildMessage;
import dev.pipewright.queue.BuildPublisher;
import dev.pipewright.queue.OutboxRelay;
import dev.pipewright.queue.QueueClient;
import dev.pipewright.queue.QueueNames;
import dev.pipewright.queue.QueueSettings;
import dev.pipewright.secrets.SecretBox;
import dev.pipewright.store.BuildRepository;
import dev.pipewright.store.BuildView;
import dev.pipewright.store.Database;
import dev.pipewright.store.JobView;
import dev.pipewright.store.LogEntry;
import dev.pipewright.store.LogRepository;
import dev.pipewright.store.NewBuild;
import dev.pipewright.store.OutboxRepository;
import dev.pipewright.store.ScratchDatabases;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * One throw-away installation for an integration test: its own database on the machine's
 * PostgreSQL, its own queue prefix on the machine's RabbitMQ, its own workspace root, and an outbox
 * relay (the entry API's) that runs only when a test calls it.
 */
final class WorkerHarness implements AutoCloseable {
  static final String PG = "jdbc:postgresql://127.0.0.1:5432/";

  final String databaseUrl;
  final QueueNames names;
  final Path workspaces;
  final Database database;
  final BuildRepository builds;
  final LogRepository logs;
  final QueueClient queue;
  private final PipewrightMetrics metrics;
  private final BuildPublisher publisher;
  private final OutboxRelay relay;
  private final List<PipelineService> workers = new ArrayList<>();

  WorkerHarness() throws Exception {
    String suffix = UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    databaseUrl = PG + "pw_worker_it_" + suffix;
    names = QueueNames.withPrefix("pw-worker-it-" + suffix);
    workspaces = Files.createTempDirectory("pw-worker-it-");
    database = Database.open(databaseUrl, "postgres", "");
    builds = new BuildRepository(database.dsl());
    logs = new LogRepository(database.dsl());
    queue = QueueClient.create(QueueSettings.of(QueueSettings.DEFAULT_URI, names));
    queue.declareTopology();
    metrics = PipewrightMetrics.prometheus();
    publisher = queue.publisher();
    relay = new OutboxRelay(new OutboxRepository(database.dsl()), publisher, 50, metrics);
  }

  WorkerConfig config(String workerId) {
    return config(workerId, Map.of());
  }

  /**
   * The defaults with {@code env}'s {@code PIPEWRIGHT_*} variables and this harness's database over
   * them, as a worker reads its configuration: what is derived from the database (the Kubernetes
   * installation) is this harness's own. Passes and reaper sweeps come often, so tests wait little.
   */
  WorkerConfig config(String workerId, Map<String, String> env) {
    Map<String, String> variables = new HashMap<>();
    variables.put("PIPEWRIGHT_WORKER_REAPER_PERIOD", "300ms");
    variables.put("PIPEWRIGHT_WORKER_TICK", "200ms");
    variables.putAll(env);
    variables.put("PIPEWRIGHT_DATABASE_URL", databaseUrl);
    return WorkerConfig.fromEnvironment(variables).toBuilder()
        .queueNames(names)
        .workspaceRoot(workspaces)
        .workerId(workerId)
        .build();
  }

  PipelineService start(WorkerConfig config) {
    return start(new PipelineService(config));
  }

  /** Starts a worker made by the caller; closed with the harness. */
  PipelineService start(PipelineService worker) {
    workers.add(worker);
    worker.start();
    return worker;
  }

  /** Creates a build (PENDING + outbox row) and relays it to the queue. */
  UUID createBuild(String yaml) {
    return createBuild(NewBuild.of("it", yaml));
  }

  UUID createBuild(NewBuild build) {
    UUID id = builds.create(build).id();
    relayOnce();
    return id;
  }

  /**
   * Creates a build whose secret values are sealed with {@code secretKey}, as the entry API does.
   */
  UUID createBuild(NewBuild build, Path secretKey) {
    BuildRepository entryApi =
        new BuildRepository(database.dsl(), SecretBox.load(Optional.of(secretKey)));
    UUID id = entryApi.create(build).id();
    relayOnce();
    return id;
  }

  /** Publishes a build id once more, as a duplicate delivery would. */
  void publishAgain(UUID buildId) {
    publisher.publish(new BuildMessage("dup-" + UUID.randomUUID(), buildId.toString()));
  }

  BuildView build(UUID id) {
    return builds.find(id).orElseThrow();
  }

  /** Waits up to 30 s for the build to reach {@code status}. */
  BuildView awaitStatus(UUID id, BuildStatus status) {
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> build(id).status() == status);
    return build(id);
  }

  static JobView job(BuildView build, String key) {
    return build.jobs().stream().filter(j -> j.key().equals(key)).findFirst().orElseThrow();
  }

  String logText(UUID buildId) {
    return logs.read(buildId, null, null, 0, 10_000).stream()
        .map(LogEntry::content)
        .collect(Collectors.joining());
  }

  /**
   * Publishes up to 50 due outbox rows, as the entry API's relay does after a create; a started
   * worker's own relay may have taken them first.
   */
  int relayOnce() {
    return relay.relayOnce();
  }

  /**
   * Empties the build queue, as a worker that consumed every waiting message would; returns how
   * many.
   */
  int takeAllBuildMessages() throws Exception {
    return onChannel(channel -> channel.queuePurge(names.buildQueue()).getMessageCount());
  }

  @Override
  public void close() throws Exception {
    workers.forEach(PipelineService::close);
    relay.close();
    publisher.close();
    metrics.close();
    queue.close();
    database.close();
    ScratchDatabases.drop(databaseUrl, "postgres", "");
    onChannel(
        channel -> {
          for (String q :
              List.of(names.buildQueue(), names.retryQueue(), names.deadLetterQueue())) {
            channel.queueDelete(q);
          }
          channel.exchangeDelete(names.exchange());
          return null;
        });
  }

  private interface ChannelCall<T> {
    T call(Channel channel) throws Exception;
  }

  /** On a connection of its own: the harness's client may be closed already. */
  private static <T> T onChannel(ChannelCall<T> call) throws Exception {
    ConnectionFactory factory = new ConnectionFactory();
    factory.setUri(QueueSettings.DEFAULT_URI);
    try (Connection connection = factory.newConnection();
        Channel channel = connection.createChannel()) {
      return call.call(channel);
    }
  }
}
