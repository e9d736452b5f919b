package dev.pipewright.queue;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Delivery;
import com.rabbitmq.client.ShutdownSignalException;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running subscription to the build queue: {@code concurrency} channels, each with a bounded
 * prefetch and manual acknowledgements, calling one {@link BuildHandler}. Close it to stop
 * consuming; unacknowledged deliveries then return to the queue.
 *
 * <p>Delivery is at least once: a retry is published (and confirmed) before the original is
 * acknowledged, so a crash in between yields a duplicate, never a loss.
 */
public final class BuildConsumer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(BuildConsumer.class);

  private final QueueSettings settings;
  private final BuildHandler handler;
  private final Clock clock;
  private final List<Channel> channels = new ArrayList<>();

  BuildConsumer(
      QueueClient client, BuildHandler handler, int prefetch, int concurrency, Clock clock) {
    if (prefetch < 1 || concurrency < 1) {
      throw new IllegalArgumentException("prefetch and concurrency must be positive");
    }
    this.settings = client.settings();
    this.handler = handler;
    this.clock = clock;
    try {
      for (int i = 0; i < concurrency; i++) {
        Channel channel = client.openChannel();
        channels.add(channel);
        channel.basicQos(prefetch);
        channel.confirmSelect();
        channel.basicConsume(
            settings.names().buildQueue(),
            false,
            (tag, delivery) -> onDelivery(channel, delivery),
            tag -> log.warn("Consumer {} was cancelled by the broker", tag));
      }
    } catch (IOException | ShutdownSignalException e) {
      close();
      throw QueueClient.unavailable("cannot consume " + settings.names().buildQueue(), e);
    }
  }

  private void onDelivery(Channel channel, Delivery delivery) throws IOException {
    long tag = delivery.getEnvelope().getDeliveryTag();
    QueueMessage message;
    try {
      message =
          Deliveries.message(
              delivery.getProperties(),
              delivery.getBody(),
              delivery.getEnvelope().isRedeliver(),
              clock.instant());
    } catch (IllegalArgumentException e) {
      log.warn("Dead-lettering malformed message {}: {}", delivery.getProperties(), e.getMessage());
      channel.basicReject(tag, false);
      return;
    }
    Outcome requested;
    try {
      requested = handler.handle(message);
    } catch (RuntimeException e) {
      requested = Deliveries.forFailure(e, message.deliveryCount(), settings.maxAttempts());
      log.warn("Handler failed for build {}; {}", message.buildId(), requested, e);
    }
    Outcome outcome = Deliveries.settle(requested, message.deliveryCount(), settings.maxAttempts());
    switch (outcome) {
      case Outcome.Ack ack -> channel.basicAck(tag, false);
      case Outcome.Requeue requeue -> channel.basicNack(tag, false, true);
      case Outcome.DeadLetter dead -> {
        log.warn("Dead-lettering build {}: {}", message.buildId(), dead.reason());
        channel.basicReject(tag, false);
      }
      case Outcome.Retry retry -> retryLater(channel, tag, delivery, message, retry);
    }
  }

  private void retryLater(
      Channel channel, long tag, Delivery delivery, QueueMessage message, Outcome.Retry retry)
      throws IOException {
    int retries = Deliveries.retries(headersOf(delivery)) + 1;
    try {
      channel.basicPublish(
          settings.names().exchange(),
          settings.names().retryQueue(),
          true,
          Deliveries.properties(message.id(), retries, retry.delay()),
          delivery.getBody());
      channel.waitForConfirmsOrDie(settings.confirmTimeout().toMillis());
      channel.basicAck(tag, false);
    } catch (TimeoutException | IOException e) {
      log.warn("Could not park build {} for retry; requeueing", message.buildId(), e);
      if (channel.isOpen()) {
        channel.basicNack(tag, false, true);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      channel.basicNack(tag, false, true);
    }
  }

  private static java.util.Map<String, Object> headersOf(Delivery delivery) {
    var headers = delivery.getProperties().getHeaders();
    return headers == null ? java.util.Map.of() : headers;
  }

  @Override
  public void close() {
    for (Channel channel : channels) {
      QueueClient.closeQuietly(channel);
    }
    channels.clear();
  }
}
