package dev.pipewright.queue;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * How to reach the broker and shape the topology.
 *
 * @param uri e.g. {@code amqp://guest:guest@127.0.0.1:5672/%2F}
 * @param names exchange and queue names
 * @param deliveryLimit redeliveries (nack with requeue, consumer lost) a build message survives
 *     before the broker dead-letters it
 * @param maxAttempts deliveries, counting retries through the retry queue, after which a message
 *     asking for another retry is dead-lettered instead
 * @param confirmTimeout how long a publish waits for the broker's confirms
 * @param recoveryInterval pause between automatic reconnection attempts
 */
public record QueueSettings(
    URI uri,
    QueueNames names,
    int deliveryLimit,
    int maxAttempts,
    Duration confirmTimeout,
    Duration recoveryInterval) {
  public static final URI DEFAULT_URI = URI.create("amqp://guest:guest@127.0.0.1:5672/%2F");

  public QueueSettings {
    Objects.requireNonNull(uri, "uri");
    Objects.requireNonNull(names, "names");
    Objects.requireNonNull(confirmTimeout, "confirmTimeout");
    Objects.requireNonNull(recoveryInterval, "recoveryInterval");
    if (deliveryLimit < 1 || maxAttempts < 1) {
      throw new IllegalArgumentException("deliveryLimit and maxAttempts must be positive");
    }
  }

  public static QueueSettings of(URI uri, QueueNames names) {
    return new QueueSettings(uri, names, 5, 10, Duration.ofSeconds(5), Duration.ofSeconds(1));
  }

  public static QueueSettings defaults() {
    return of(DEFAULT_URI, QueueNames.defaults());
  }

  public QueueSettings withDeliveryLimit(int limit) {
    return new QueueSettings(uri, names, limit, maxAttempts, confirmTimeout, recoveryInterval);
  }

  public QueueSettings withMaxAttempts(int attempts) {
    return new QueueSettings(uri, names, deliveryLimit, attempts, confirmTimeout, recoveryInterval);
  }
}
