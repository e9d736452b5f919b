package dev.pipewright.entryapi;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import dev.pipewright.api.ci.v1.PipelineServiceGrpc;
import dev.pipewright.auth.IssuedToken;
import dev.pipewright.auth.Role;
import dev.pipewright.queue.QueueClient;
import dev.pipewright.queue.QueueNames;
import dev.pipewright.queue.QueueSettings;
import dev.pipewright.store.ApiTokenRepository;
import dev.pipewright.store.BuildRepository;
import dev.pipewright.store.Database;
import dev.pipewright.store.ScratchDatabases;
import io.grpc.ClientInterceptor;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.MetadataUtils;
import java.net.URI;
import java.util.List;
import java.util.UUID;

/**
 * A throw-away database and queue prefix on the machine's PostgreSQL and RabbitMQ, an entry API on
 * them (in-process gRPC), an admin token its stub sends, and direct handles for assertions.
 */
final class ApiFixture implements AutoCloseable {
  static final String POSTGRES = "jdbc:postgresql://127.0.0.1:5432/";

  final String databaseName = "pw_entry_" + UUID.randomUUID().toString().replace("-", "");
  final String prefix = "pwtest-entry-" + UUID.randomUUID();
  final QueueNames names = QueueNames.withPrefix(prefix);
  final EntryApi api;
  final ManagedChannel channel;
  final PipelineServiceGrpc.PipelineServiceBlockingStub stub;
  final Database database;
  final BuildRepository builds;
  final ApiTokenRepository tokens;
  final IssuedToken admin;
  final QueueClient queue;

  ApiFixture() {
    // No source of remote actions: admission never reaches the network in tests.
    this(EntryApiConfig.defaults().withPorts(0, 0).withActions(null), null, null);
  }

  /**
   * @param databaseUrl null for the real server directly, else e.g. a proxy's URL
   * @param amqpUri null for the real broker directly
   */
  ApiFixture(EntryApiConfig base, String databaseUrl, URI amqpUri) {
    String direct = POSTGRES + databaseName;
    EntryApiConfig config =
        base.withDatabase(databaseUrl == null ? direct : databaseUrl + databaseName)
            .withQueue(amqpUri == null ? QueueSettings.DEFAULT_URI : amqpUri, prefix);
    String serverName = "entry-api-" + UUID.randomUUID();
    api = new EntryApi(config, InProcessServerBuilder.forName(serverName)).start();
    channel = InProcessChannelBuilder.forName(serverName).build();
    database = Database.open(direct, "postgres", "");
    builds = new BuildRepository(database.dsl());
    tokens = new ApiTokenRepository(database.dsl());
    admin = tokens.create("fixture-admin", Role.ADMIN);
    stub = PipelineServiceGrpc.newBlockingStub(channel).withInterceptors(bearer(admin));
    queue = QueueClient.create(QueueSettings.of(QueueSettings.DEFAULT_URI, names));
  }

  /** Sends {@code token} as {@code authorization: Bearer}, as clients of the API do. */
  static ClientInterceptor bearer(IssuedToken token) {
    Metadata headers = new Metadata();
    headers.put(AuthInterceptor.AUTHORIZATION, "Bearer " + token.token().reveal());
    return MetadataUtils.newAttachHeadersInterceptor(headers);
  }

  @Override
  public void close() throws Exception {
    channel.shutdownNow();
    api.close();
    queue.close();
    database.close();
    ScratchDatabases.drop(POSTGRES + databaseName, "postgres", "");
    deleteQueues(names);
  }

  /** Deletes the queues and exchange of {@code names} from the machine's broker. */
  static void deleteQueues(QueueNames names) throws Exception {
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
