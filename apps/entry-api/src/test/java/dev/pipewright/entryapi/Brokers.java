package dev.pipewright.entryapi;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import dev.pipewright.queue.QueueSettings;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;

/** Direct broker reads for assertions. */
final class Brokers {
  private Brokers() {}

  /**
   * The bodies of every message in {@code queue}, left in place: fetched without acknowledging, so
   * closing the channel returns them to the queue.
   */
  static Set<String> peek(String queue) throws Exception {
    ConnectionFactory factory = new ConnectionFactory();
    factory.setUri(QueueSettings.DEFAULT_URI);
    Set<String> bodies = new HashSet<>();
    try (Connection connection = factory.newConnection();
        Channel channel = connection.createChannel()) {
      GetResponse response;
      while ((response = channel.basicGet(queue, false)) != null) {
        bodies.add(new String(response.getBody(), StandardCharsets.UTF_8));
      }
    }
    return bodies;
  }
}
