package dev.pipewright.queue;

import com.rabbitmq.client.BuiltinExchangeType;
import com.rabbitmq.client.Channel;
import java.io.IOException;
import java.util.Map;

/**
 * Declares the exchange and queues. Declaring is idempotent: the broker accepts a redeclaration
 * with identical arguments, so every process declares at start (and after each new connection)
 * without coordination. A redeclaration with different arguments fails with PRECONDITION_FAILED,
 * which is the signal to migrate by hand rather than silently run with another shape.
 *
 * <pre>
 *   exchange (direct) ──buildQueue──▶ buildQueue (quorum, x-delivery-limit)
 *        ▲                                 │ reject / over the limit
 *        │                                 ▼
 *        │             ──deadLetterQueue─▶ deadLetterQueue (quorum)
 *        │ expired
 *   retryQueue (per-message TTL) ◀──retryQueue── exchange
 * </pre>
 */
public final class QueueTopology {
  private final QueueNames names;
  private final int deliveryLimit;

  public QueueTopology(QueueNames names, int deliveryLimit) {
    this.names = names;
    this.deliveryLimit = deliveryLimit;
  }

  public QueueNames names() {
    return names;
  }

  public void declare(Channel channel) throws IOException {
    channel.exchangeDeclare(names.exchange(), BuiltinExchangeType.DIRECT, true);

    declareAndBind(channel, names.deadLetterQueue(), Map.of("x-queue-type", "quorum"));
    declareAndBind(
        channel,
        names.buildQueue(),
        Map.of(
            "x-queue-type",
            "quorum",
            "x-delivery-limit",
            deliveryLimit,
            "x-dead-letter-exchange",
            names.exchange(),
            "x-dead-letter-routing-key",
            names.deadLetterQueue()));
    // Classic: a parking lot whose messages expire (per-message TTL, set by the publisher) and
    // dead-letter back into the build queue. Expiry happens at the head of the queue, so a long
    // delay holds back shorter ones queued behind it; retry delays are short and similar.
    declareAndBind(
        channel,
        names.retryQueue(),
        Map.of(
            "x-queue-type", "classic",
            "x-dead-letter-exchange", names.exchange(),
            "x-dead-letter-routing-key", names.buildQueue()));
  }

  private void declareAndBind(Channel channel, String queue, Map<String, Object> arguments)
      throws IOException {
    channel.queueDeclare(queue, true, false, false, arguments);
    channel.queueBind(queue, names.exchange(), queue);
  }
}
