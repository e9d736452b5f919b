package dev.pipewright.queue;

import static dev.pipewright.store.jooq.Tables.OUTBOX;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.GetResponse;
import dev.pipewright.models.BuildStatus;
import dev.pipewright.ops.metrics.PipewrightMetrics;
import dev.pipewright.store.BuildRepository;
import dev.pipewright.store.Database;
import dev.pipewright.store.NewBuild;
import dev.pipewright.store.OutboxRepository;
import dev.pipewright.store.ScratchDatabases;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Relays over the machine's PostgreSQL (a throw-away database) and RabbitMQ (a unique prefix), as
 * an entry API and workers run them side by side.
 */
class OutboxRelayIT {
  private static final Duration DEADLINE = Duration.ofSeconds(20);
  private static final String PG = "jdbc:postgresql://127.0.0.1:5432/";

  private String url;
  private Database database;
  private BuildRepository builds;
  private OutboxRepository outbox;
  private QueueNames names;
  private QueueClient client;
  private PipewrightMetrics metrics;

  @BeforeEach
  void setUp() {
    String suffix = UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    url = PG + "pw_relay_it_" + suffix;
    database = Database.open(url, "postgres", "");
    builds = new BuildRepository(database.dsl());
    outbox = new OutboxRepository(database.dsl());
    names = QueueNames.withPrefix("pwtest-relay-" + suffix);
    client = QueueClient.create(QueueSettings.of(QueueSettings.DEFAULT_URI, names));
    client.declareTopology();
    metrics = PipewrightMetrics.prometheus();
  }

  @AfterEach
  void tearDown() throws Exception {
    metrics.close();
    client.close();
    database.close();
    ScratchDatabases.drop(url, "postgres", "");
    TestQueues.delete(names);
  }

  private OutboxRelay relay(int batchSize) {
    return new OutboxRelay(outbox, client.publisher(), batchSize, metrics);
  }

  private UUID newBuild() {
    return builds.create(NewBuild.of("p", "on: push")).id();
  }

  /** Takes every message waiting in the build queue; returns their build ids. */
  private List<String> takeBuildMessages() throws Exception {
    return TestQueues.onChannel(
        channel -> {
          List<String> ids = new ArrayList<>();
          for (GetResponse r = channel.basicGet(names.buildQueue(), true);
              r != null;
              r = channel.basicGet(names.buildQueue(), true)) {
            ids.add(new String(r.getBody(), StandardCharsets.UTF_8));
          }
          return ids;
        });
  }

  @Test
  void relaysSharingOneOutboxPublishEachBuildOnce() throws Exception {
    List<String> ids = IntStream.range(0, 120).mapToObj(i -> newBuild().toString()).toList();

    try (OutboxRelay first = relay(7);
        OutboxRelay second = relay(7)) {
      first.start();
      second.start();
      await().atMost(DEADLINE).until(() -> database.dsl().fetchCount(OUTBOX) == 0);
    }

    assertThat(takeBuildMessages()).containsExactlyInAnyOrderElementsOf(ids);
    assertThat(ids)
        .allSatisfy(
            id ->
                assertThat(builds.find(UUID.fromString(id)).orElseThrow().status())
                    .isEqualTo(BuildStatus.QUEUED));
  }

  @Test
  void aRequeuedBuildIsPublishedAgainAndStaysQueued() throws Exception {
    UUID id = newBuild();
    try (OutboxRelay relay = relay(10)) {
      assertThat(relay.relayOnce()).isEqualTo(1);
      assertThat(takeBuildMessages()).containsExactly(id.toString());
      assertThat(builds.claim(id, "gone", Duration.ZERO)).isTrue();
      await().atMost(DEADLINE).until(() -> builds.expiredLeases(10).contains(id));
      assertThat(builds.requeueExpired(id)).isTrue();

      assertThat(relay.relayOnce()).isEqualTo(1);
      assertThat(relay.relayOnce()).isZero();
    }

    assertThat(takeBuildMessages()).containsExactly(id.toString());
    assertThat(builds.find(id).orElseThrow().status()).isEqualTo(BuildStatus.QUEUED);
    assertThat(database.dsl().fetchCount(OUTBOX)).isZero();
  }
}
