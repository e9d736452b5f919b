package dev.pipewright.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.GetResponse;
import dev.pipewright.models.CiException;
import dev.pipewright.models.ErrorCode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Against the machine's RabbitMQ (127.0.0.1:5672, guest/guest), under a unique prefix. */
class QueueIT {
  private static final Duration DEADLINE = Duration.ofSeconds(20);

  private QueueNames names;
  private QueueSettings settings;
  private QueueClient client;

  @BeforeEach
  void setUp() {
    names = QueueNames.withPrefix("pwtest-" + UUID.randomUUID());
    settings = QueueSettings.of(QueueSettings.DEFAULT_URI, names);
    client = QueueClient.create(settings);
  }

  @AfterEach
  void tearDown() throws Exception {
    client.close();
    TestQueues.delete(names);
  }

  @Test
  void topologyDeclarationIsIdempotent() {
    client.declareTopology();
    client.declareTopology();
    try (QueueClient other = QueueClient.create(settings)) {
      other.declareTopology();
      assertThat(other.messageCount(names.buildQueue())).isZero();
      assertThat(other.messageCount(names.retryQueue())).isZero();
      assertThat(other.messageCount(names.deadLetterQueue())).isZero();
    }
  }

  @Test
  void confirmedBatchIsConsumedAndAcknowledged() {
    client.declareTopology();
    List<BuildMessage> batch =
        IntStream.range(0, 50).mapToObj(i -> new BuildMessage("m-" + i, "build-" + i)).toList();
    try (BuildPublisher publisher = client.publisher()) {
      publisher.publish(batch);
    }
    assertThat(client.messageCount(names.buildQueue())).isEqualTo(50);

    Map<String, QueueMessage> seen = new ConcurrentHashMap<>();
    try (BuildConsumer consumer =
        client.consume(
            message -> {
              seen.put(message.buildId(), message);
              return Outcome.ack();
            },
            8,
            2)) {
      await().atMost(DEADLINE).until(() -> seen.size() == 50);
    }
    assertThat(seen.get("build-7").id()).isEqualTo("m-7");
    assertThat(seen.values()).allSatisfy(m -> assertThat(m.deliveryCount()).isEqualTo(1));
    // Acknowledged, so nothing comes back once the consumer is gone.
    assertThat(client.messageCount(names.buildQueue())).isZero();
  }

  @Test
  void retryComesBackAfterItsDelay() {
    List<QueueMessage> deliveries = new CopyOnWriteArrayList<>();
    List<Instant> arrivals = new CopyOnWriteArrayList<>();
    Duration delay = Duration.ofMillis(700);
    try (BuildConsumer consumer =
        client.consume(
            message -> {
              deliveries.add(message);
              arrivals.add(Instant.now());
              return message.deliveryCount() == 1 ? Outcome.retry(delay) : Outcome.ack();
            },
            4,
            1)) {
      client.publisher().publish(new BuildMessage("m-1", "build-1"));
      await().atMost(DEADLINE).until(() -> deliveries.size() == 2);
    }
    assertThat(deliveries.get(1).id()).isEqualTo("m-1");
    assertThat(deliveries.get(1).buildId()).isEqualTo("build-1");
    assertThat(deliveries.get(1).deliveryCount()).isEqualTo(2);
    assertThat(Duration.between(arrivals.get(0), arrivals.get(1))).isGreaterThanOrEqualTo(delay);
    assertThat(client.messageCount(names.retryQueue())).isZero();
  }

  @Test
  void handlerFailureThatIsTransientIsRetried() {
    List<QueueMessage> deliveries = new CopyOnWriteArrayList<>();
    try (BuildConsumer consumer =
        client.consume(
            message -> {
              deliveries.add(message);
              if (message.deliveryCount() == 1) {
                throw new CiException(ErrorCode.TRANSIENT, "db blip", null, Duration.ZERO);
              }
              return Outcome.ack();
            },
            4,
            1)) {
      client.publisher().publish(new BuildMessage("m-1", "build-1"));
      await().atMost(DEADLINE).until(() -> deliveries.size() == 2);
    }
    assertThat(deliveries.get(1).deliveryCount()).isEqualTo(2);
  }

  @Test
  void rejectedMessageLandsInTheDeadLetterQueue() throws Exception {
    try (BuildConsumer consumer = client.consume(message -> Outcome.deadLetter("unusable"), 4, 1)) {
      client.publisher().publish(new BuildMessage("m-1", "build-dead"));
      await().atMost(DEADLINE).until(() -> client.messageCount(names.deadLetterQueue()) == 1);
    }
    assertThat(deadLetterBody()).isEqualTo("build-dead");
  }

  @Test
  void retriesPastMaxAttemptsAreDeadLettered() throws Exception {
    client.close();
    client = QueueClient.create(settings.withMaxAttempts(3));
    List<QueueMessage> deliveries = new CopyOnWriteArrayList<>();
    try (BuildConsumer consumer =
        client.consume(
            message -> {
              deliveries.add(message);
              return Outcome.retry(Duration.ZERO);
            },
            4,
            1)) {
      client.publisher().publish(new BuildMessage("m-1", "build-retry"));
      await().atMost(DEADLINE).until(() -> client.messageCount(names.deadLetterQueue()) == 1);
    }
    assertThat(deliveries).extracting(QueueMessage::deliveryCount).containsExactly(1, 2, 3);
    assertThat(deadLetterBody()).isEqualTo("build-retry");
  }

  @Test
  void requeuedMessageIsDeadLetteredAtTheDeliveryLimit() throws Exception {
    client.close();
    client = QueueClient.create(settings.withDeliveryLimit(2));
    List<QueueMessage> deliveries = new CopyOnWriteArrayList<>();
    try (BuildConsumer consumer =
        client.consume(
            message -> {
              deliveries.add(message);
              return Outcome.requeue();
            },
            4,
            1)) {
      client.publisher().publish(new BuildMessage("m-1", "build-poison"));
      await().atMost(DEADLINE).until(() -> client.messageCount(names.deadLetterQueue()) == 1);
    }
    // The first delivery plus `limit` redeliveries, then the broker gives up.
    assertThat(deliveries).extracting(QueueMessage::deliveryCount).containsExactly(1, 2, 3);
    assertThat(deadLetterBody()).isEqualTo("build-poison");
  }

  @Test
  void unreachableBrokerIsATransientFailureAndOpensTheCircuit() {
    QueueSettings closedPort =
        QueueSettings.of(java.net.URI.create("amqp://guest:guest@127.0.0.1:1/%2F"), names);
    try (QueueClient down = QueueClient.create(closedPort);
        BuildPublisher publisher = down.publisher()) {
      assertThat(down.reachable()).isFalse();
      for (int i = 0; i < 3; i++) {
        assertThatThrownBy(() -> publisher.publish(new BuildMessage("m", "b")))
            .isInstanceOfSatisfying(
                CiException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.TRANSIENT));
      }
      assertThat(publisher.circuitState()).isEqualTo("OPEN");
    }
  }

  private String deadLetterBody() throws Exception {
    return TestQueues.onChannel(
        channel -> {
          GetResponse response = channel.basicGet(names.deadLetterQueue(), true);
          assertThat(response).isNotNull();
          return new String(response.getBody(), StandardCharsets.UTF_8);
        });
  }
}
