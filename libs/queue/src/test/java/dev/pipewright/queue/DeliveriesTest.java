package dev.pipewright.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.rabbitmq.client.AMQP;
import dev.pipewright.models.CiException;
import dev.pipewright.models.ErrorCode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DeliveriesTest {
  private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

  @Test
  void firstDeliveryCountsOne() {
    assertThat(Deliveries.deliveryCount(Map.of(), false)).isEqualTo(1);
  }

  @Test
  void deliveryCountAddsRetriesAndBrokerRedeliveries() {
    assertThat(Deliveries.deliveryCount(Map.of("x-delivery-count", 2L), true)).isEqualTo(3);
    assertThat(Deliveries.deliveryCount(Map.of(Deliveries.RETRIES_HEADER, 3), false)).isEqualTo(4);
    assertThat(
            Deliveries.deliveryCount(
                Map.of(Deliveries.RETRIES_HEADER, 1, "x-delivery-count", 1), true))
        .isEqualTo(3);
    // A classic queue only says "redelivered", not how often.
    assertThat(Deliveries.deliveryCount(Map.of(), true)).isEqualTo(2);
  }

  @Test
  void decodesBuildIdAndMessageId() {
    AMQP.BasicProperties props = Deliveries.properties("m-1", 2, null);
    QueueMessage message =
        Deliveries.message(props, " b-42\n".getBytes(StandardCharsets.UTF_8), false, NOW);
    assertThat(message).isEqualTo(new QueueMessage("m-1", "b-42", NOW, 3));
  }

  @Test
  void messageWithoutBuildIdIsRefused() {
    AMQP.BasicProperties props = Deliveries.properties("m-1", 0, null);
    assertThatThrownBy(() -> Deliveries.message(props, new byte[0], false, NOW))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void publishedPropertiesArePersistentAndCarryTheDelay() {
    AMQP.BasicProperties props = Deliveries.properties("m-1", 1, Duration.ofMillis(1500));
    assertThat(props.getDeliveryMode()).isEqualTo(2);
    assertThat(props.getExpiration()).isEqualTo("1500");
    assertThat(props.getHeaders()).containsEntry(Deliveries.RETRIES_HEADER, 1);
    assertThat(Deliveries.properties("m-1", 0, null).getExpiration()).isNull();
  }

  @Test
  void transientFailureIsRetriedWithGrowingBackoff() {
    CiException error = new CiException(ErrorCode.TRANSIENT, "db down");
    assertThat(Deliveries.forFailure(error, 1, 100))
        .isEqualTo(Outcome.retry(Duration.ofSeconds(1)));
    assertThat(Deliveries.forFailure(error, 3, 100))
        .isEqualTo(Outcome.retry(Duration.ofSeconds(4)));
    assertThat(Deliveries.forFailure(error, 30, 100))
        .isEqualTo(Outcome.retry(Duration.ofMinutes(5)));
  }

  @Test
  void explicitRetryAfterWinsOverAShorterBackoff() {
    CiException error =
        new CiException(ErrorCode.TRANSIENT, "rate limited", null, Duration.ofSeconds(30));
    assertThat(Deliveries.forFailure(error, 1, 100))
        .isEqualTo(Outcome.retry(Duration.ofSeconds(30)));
  }

  @Test
  void permanentAndUnknownFailuresAreDeadLettered() {
    assertThat(Deliveries.forFailure(new CiException(ErrorCode.INVALID_SPEC, "bad"), 1, 100))
        .isEqualTo(Outcome.deadLetter("INVALID_SPEC: bad"));
    assertThat(Deliveries.forFailure(new IllegalStateException("boom"), 1, 100))
        .isEqualTo(Outcome.deadLetter("PERMANENT: boom"));
  }

  @Test
  void aTransientFailureOnTheLastAttemptIsDeadLettered() {
    assertThat(Deliveries.forFailure(new CiException(ErrorCode.TRANSIENT, "db down"), 3, 3))
        .isEqualTo(Outcome.deadLetter("gave up after 3 attempts: TRANSIENT: db down"));
  }

  @Test
  void retryPastTheBudgetBecomesADeadLetter() {
    Outcome retry = Outcome.retry(Duration.ofSeconds(1));
    assertThat(Deliveries.settle(retry, 2, 3)).isEqualTo(retry);
    assertThat(Deliveries.settle(retry, 3, 3)).isInstanceOf(Outcome.DeadLetter.class);
    assertThat(Deliveries.settle(Outcome.ack(), 99, 3)).isEqualTo(Outcome.ack());
    assertThat(Deliveries.settle(Outcome.requeue(), 99, 3)).isEqualTo(Outcome.requeue());
  }

  @Test
  void namesFollowThePrefix() {
    assertThat(QueueNames.defaults())
        .isEqualTo(
            new QueueNames(
                "pipewright",
                "pipewright.builds",
                "pipewright.builds.retry",
                "pipewright.builds.dlq"));
    assertThat(QueueNames.withPrefix("t1").retryQueue()).isEqualTo("t1.builds.retry");
    assertThatThrownBy(() -> QueueNames.withPrefix(" "))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
