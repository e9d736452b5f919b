package dev.pipewright.queue;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import java.util.List;

/** Raw access to the machine's RabbitMQ for tests, on a connection of their own. */
final class TestQueues {
  private TestQueues() {}

  interface ChannelCall<T> {
    T call(Channel channel) throws Exception;
  }

  static <T> T onChannel(ChannelCall<T> call) throws Exception {
    ConnectionFactory factory = new ConnectionFactory();
    factory.setUri(QueueSettings.DEFAULT_URI);
    try (Connection connection = factory.newConnection();
        Channel channel = connection.createChannel()) {
      return call.call(channel);
    }
  }

  /** Deletes the queues and the exchange a test declared under its prefix. */
  static void delete(QueueNames names) throws Exception {
    onChannel(
        channel -> {
          for (String queue :
              List.of(names.buildQueue(), names.retryQueue(), names.deadLetterQueue())) {
            channel.queueDelete(queue);
          }
          channel.exchangeDelete(names.exchange());
          return null;
        });
  }
}
