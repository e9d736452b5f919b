package dev.pipewright.queue;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.ShutdownSignalException;
import dev.pipewright.models.CiException;
import dev.pipewright.models.ErrorCode;
import dev.pipewright.models.RetryPolicy;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

/**
 * Publishes build messages with publisher confirms. A batch is published in one go and then
 * confirmed as a whole, so a relay pays one round trip per batch rather than per build. {@link
 * #publish} returns only when the broker has taken responsibility for every message of the batch
 * (persistent messages on a quorum queue); otherwise it throws and the caller keeps its outbox rows
 * to publish them again: delivery is at least once.
 *
 * <p>Broker calls go through a Resilience4j retry (a few quick attempts for a blip) inside a
 * circuit breaker (so a dead broker costs a fast failure instead of a connection timeout per
 * batch). Thread-safe; calls are serialised on the publisher's channel.
 */
public final class BuildPublisher implements AutoCloseable {
  private static final Predicate<Throwable> RETRYABLE = RetryPolicy::retryable;
  private static final Duration OPEN_STATE_WAIT = Duration.ofSeconds(1);

  private final QueueClient client;
  private final QueueNames names;
  private final Duration confirmTimeout;
  private final Set<String> returned = ConcurrentHashMap.newKeySet();
  private final CircuitBreaker breaker;
  private final Retry retry;
  private Channel channel;

  BuildPublisher(QueueClient client) {
    this.client = client;
    this.names = client.settings().names();
    this.confirmTimeout = client.settings().confirmTimeout();
    this.breaker =
        CircuitBreaker.of(
            "amqp-publish",
            CircuitBreakerConfig.custom()
                .slidingWindowSize(10)
                .minimumNumberOfCalls(4)
                .failureRateThreshold(50)
                .waitDurationInOpenState(OPEN_STATE_WAIT)
                .permittedNumberOfCallsInHalfOpenState(1)
                .recordException(RETRYABLE)
                .build());
    this.retry =
        Retry.of(
            "amqp-publish",
            RetryConfig.custom()
                .maxAttempts(3)
                .intervalFunction(IntervalFunction.ofExponentialBackoff(Duration.ofMillis(50), 2))
                .retryOnException(RETRYABLE)
                .build());
  }

  public void publish(BuildMessage message) {
    publish(List.of(message));
  }

  /**
   * Publishes and confirms a batch.
   *
   * @throws CiException {@link ErrorCode#TRANSIENT} when the broker is unreachable, refused a
   *     message or did not confirm in time; nothing is known about which messages arrived
   */
  public void publish(List<BuildMessage> batch) {
    if (batch.isEmpty()) {
      return;
    }
    try {
      Retry.decorateRunnable(
              retry, CircuitBreaker.decorateRunnable(breaker, () -> publishOnce(batch)))
          .run();
    } catch (CallNotPermittedException e) {
      throw new CiException(
          ErrorCode.TRANSIENT, "RabbitMQ circuit open after repeated failures", e, OPEN_STATE_WAIT);
    }
  }

  /** CLOSED, OPEN or HALF_OPEN: for readiness reporting. */
  public String circuitState() {
    return breaker.getState().name();
  }

  private synchronized void publishOnce(List<BuildMessage> batch) {
    Channel ch = channel();
    returned.clear();
    try {
      for (BuildMessage message : batch) {
        ch.basicPublish(
            names.exchange(),
            names.buildQueue(),
            true,
            Deliveries.properties(message.messageId(), 0, null),
            Deliveries.body(message.buildId()));
      }
      ch.waitForConfirmsOrDie(confirmTimeout.toMillis());
    } catch (IOException | TimeoutException | ShutdownSignalException e) {
      dropChannel();
      throw QueueClient.unavailable("publishing " + batch.size() + " build(s) failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      dropChannel();
      throw new CiException(ErrorCode.CANCELLED, "interrupted while waiting for confirms", e);
    }
    if (!returned.isEmpty()) {
      // Confirmed but unroutable: the build queue is gone. Redeclare on the next attempt.
      dropChannel();
      throw new CiException(
          ErrorCode.TRANSIENT,
          returned.size() + " message(s) were unroutable; build queue missing");
    }
  }

  private Channel channel() {
    if (channel == null || !channel.isOpen()) {
      Channel fresh = client.openChannel();
      try {
        fresh.confirmSelect();
        fresh.addReturnListener(
            r -> returned.add(String.valueOf(r.getProperties().getMessageId())));
        if (channel == null) {
          client.topology().declare(fresh);
        }
      } catch (IOException | ShutdownSignalException e) {
        QueueClient.closeQuietly(fresh);
        throw QueueClient.unavailable("cannot prepare a publishing channel", e);
      }
      channel = fresh;
    }
    return channel;
  }

  private void dropChannel() {
    QueueClient.closeQuietly(channel);
    channel = null;
  }

  @Override
  public synchronized void close() {
    dropChannel();
  }
}
