package dev.pipewright.cli;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import dev.pipewright.queue.QueueNames;
import dev.pipewright.queue.QueueSettings;
import dev.pipewright.store.ScratchDatabases;
import java.util.List;

/** What an IT created on the machine's PostgreSQL and RabbitMQ, removed again. */
final class ItResources {
  private ItResources() {}

  static void drop(String databaseUrl, QueueNames names) throws Exception {
    ScratchDatabases.drop(databaseUrl, "postgres", "");
    ConnectionFactory factory = new ConnectionFactory();
    factory.setUri(QueueSettings.DEFAULT_URI);
    try (Connection connection = factory.newConnection();
        Channel ch = connection.createChannel()) {
      for (String q : List.of(names.buildQueue(), names.retryQueue(), names.deadLetterQueue())) {
        ch.queueDelete(q);
      }
      ch.exchangeDelete(names.exchange());
    }
  }
}
