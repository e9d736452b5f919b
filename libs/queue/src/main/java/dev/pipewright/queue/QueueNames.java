package dev.pipewright.queue;

import java.util.Objects;

/**
 * The broker objects of one Pipewright installation. Each queue is bound to the exchange with its
 * own name as routing key, so dead-lettering can address any of them by name.
 *
 * @param exchange durable direct exchange every message goes through
 * @param buildQueue quorum queue of builds waiting for a worker
 * @param retryQueue where a message waits out its retry delay before it returns to {@code
 *     buildQueue}
 * @param deadLetterQueue where messages end that were rejected or exceeded the delivery limit
 */
public record QueueNames(
    String exchange, String buildQueue, String retryQueue, String deadLetterQueue) {
  public static final String DEFAULT_PREFIX = "pipewright";

  public QueueNames {
    Objects.requireNonNull(exchange, "exchange");
    Objects.requireNonNull(buildQueue, "buildQueue");
    Objects.requireNonNull(retryQueue, "retryQueue");
    Objects.requireNonNull(deadLetterQueue, "deadLetterQueue");
  }

  /** {@code pipewright}, {@code pipewright.builds}, {@code .builds.retry}, {@code .builds.dlq}. */
  public static QueueNames defaults() {
    return withPrefix(DEFAULT_PREFIX);
  }

  /** The default layout under another prefix: tests use a unique one each. */
  public static QueueNames withPrefix(String prefix) {
    if (prefix == null || prefix.isBlank()) {
      throw new IllegalArgumentException("queue name prefix must not be blank");
    }
    String builds = prefix + ".builds";
    return new QueueNames(prefix, builds, builds + ".retry", builds + ".dlq");
  }
}
