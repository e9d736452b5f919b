package dev.pipewright.queue;

import com.rabbitmq.client.AMQP;
import dev.pipewright.models.CiException;
import dev.pipewright.models.ErrorCode;
import dev.pipewright.models.RetryPolicy;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/** The pure rules behind consuming: decoding a delivery and settling an outcome. */
public final class Deliveries {
  /** Retries this message already went through the retry queue; set by the consumer. */
  public static final String RETRIES_HEADER = "x-pipewright-retries";

  /** Set by quorum queues on a message returned to the queue (nack with requeue, lost consumer). */
  static final String DELIVERY_COUNT_HEADER = "x-delivery-count";

  private Deliveries() {}

  static AMQP.BasicProperties properties(String messageId, int retries, Duration expiration) {
    Map<String, Object> headers = new HashMap<>();
    if (retries > 0) {
      headers.put(RETRIES_HEADER, retries);
    }
    return new AMQP.BasicProperties.Builder()
        .messageId(messageId)
        .contentType("text/plain")
        .deliveryMode(2)
        .timestamp(new java.util.Date())
        .headers(headers)
        .expiration(expiration == null ? null : Long.toString(expiration.toMillis()))
        .build();
  }

  static byte[] body(String buildId) {
    return buildId.getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Decodes a delivery.
   *
   * @throws IllegalArgumentException for a message that can never be processed (no build id)
   */
  static QueueMessage message(
      AMQP.BasicProperties properties, byte[] body, boolean redelivered, Instant now) {
    String buildId = body == null ? "" : new String(body, StandardCharsets.UTF_8).strip();
    if (buildId.isEmpty()) {
      throw new IllegalArgumentException("message without a build id");
    }
    Map<String, Object> headers =
        properties.getHeaders() == null ? Map.of() : properties.getHeaders();
    String id = properties.getMessageId() == null ? buildId : properties.getMessageId();
    return new QueueMessage(id, buildId, now, deliveryCount(headers, redelivered));
  }

  static int retries(Map<String, Object> headers) {
    return headers.get(RETRIES_HEADER) instanceof Number n ? n.intValue() : 0;
  }

  /** 1-based: earlier trips through the retry queue plus the broker's redeliveries. */
  static int deliveryCount(Map<String, Object> headers, boolean redelivered) {
    int redeliveries;
    if (headers.get(DELIVERY_COUNT_HEADER) instanceof Number n) {
      redeliveries = n.intValue();
    } else {
      redeliveries = redelivered ? 1 : 0;
    }
    return retries(headers) + redeliveries + 1;
  }

  /** The outcome for a handler that threw, as the retry policy decides it for this delivery. */
  static Outcome forFailure(Throwable failure, int deliveryCount, int maxAttempts) {
    CiException error = CiException.from(failure);
    return switch (RetryPolicy.decide(error, deliveryCount, maxAttempts)) {
      case RetryPolicy.Retry retry -> Outcome.retry(retry.after());
      case RetryPolicy.Fail fail -> Outcome.deadLetter(fail.code() + ": " + error.getMessage());
      case RetryPolicy.DeadLetter dead -> gaveUp(dead, error.getMessage());
    };
  }

  /**
   * A retry the handler asked for (a build not visible yet) is a transient condition: past the
   * attempt budget it becomes a dead letter; everything else stands.
   */
  static Outcome settle(Outcome requested, int deliveryCount, int maxAttempts) {
    if (requested instanceof Outcome.Retry
        && RetryPolicy.decide(ErrorCode.TRANSIENT, deliveryCount, maxAttempts)
            instanceof RetryPolicy.DeadLetter dead) {
      return gaveUp(dead, "still not ready");
    }
    return requested;
  }

  private static Outcome gaveUp(RetryPolicy.DeadLetter dead, String message) {
    return Outcome.deadLetter(
        "gave up after " + dead.attempts() + " attempts: " + dead.code() + ": " + message);
  }
}
