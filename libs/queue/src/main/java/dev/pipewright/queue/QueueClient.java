package dev.pipewright.queue;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.ShutdownSignalException;
import dev.pipewright.models.CiException;
import dev.pipewright.models.ErrorCode;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The process's link to RabbitMQ: one connection, shared by its publishers and consumers.
 *
 * <p>Connecting is lazy, so a process starts while the broker is down and connects on first use;
 * every broker failure surfaces as a retryable {@link CiException} ({@link ErrorCode#TRANSIENT}).
 * Once connected, the client's automatic recovery reconnects, redeclares the topology and
 * re-registers consumers after an outage.
 *
 * <pre>{@code
 * try (QueueClient queue = QueueClient.create(QueueSettings.defaults())) {
 *   queue.declareTopology();
 *   try (BuildPublisher publisher = queue.publisher()) {
 *     publisher.publish(List.of(new BuildMessage(outboxId, buildId)));
 *   }
 *   BuildConsumer consumer = queue.consume(message -> {
 *     claim(message.buildId());        // durable first ...
 *     return Outcome.ack();            // ... then acknowledge
 *   }, 16, 2);
 * }
 * }</pre>
 */
public final class QueueClient implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(QueueClient.class);

  private final QueueSettings settings;
  private final QueueTopology topology;
  private final ConnectionFactory factory;
  private final ExecutorService dispatch;
  private final Clock clock;
  private final List<AutoCloseable> children = new ArrayList<>();
  private Connection connection;
  private boolean closed;

  private QueueClient(QueueSettings settings, Clock clock) {
    this.settings = settings;
    this.clock = clock;
    this.topology = new QueueTopology(settings.names(), settings.deliveryLimit());
    this.dispatch = Executors.newVirtualThreadPerTaskExecutor();
    this.factory = new ConnectionFactory();
    try {
      factory.setUri(settings.uri());
    } catch (Exception e) {
      throw new IllegalArgumentException("bad AMQP URI " + redacted(settings), e);
    }
    factory.setAutomaticRecoveryEnabled(true);
    factory.setTopologyRecoveryEnabled(true);
    factory.setNetworkRecoveryInterval(settings.recoveryInterval().toMillis());
    factory.setConnectionTimeout(5_000);
    factory.setRequestedHeartbeat(15);
    // Handlers block on the database; virtual threads keep a slow one from starving the rest.
    factory.setSharedExecutor(dispatch);
  }

  /** A client that connects on first use. */
  public static QueueClient create(QueueSettings settings) {
    return new QueueClient(settings, Clock.systemUTC());
  }

  public QueueSettings settings() {
    return settings;
  }

  /** Connects if needed and declares the topology (idempotent). */
  public void declareTopology() {
    withChannel(
        channel -> {
          topology.declare(channel);
          return null;
        });
  }

  /** Whether the broker answers now: connects if needed, never throws. */
  public boolean reachable() {
    try {
      return connection().isOpen();
    } catch (CiException e) {
      return false;
    }
  }

  /** Messages ready for delivery in {@code queue} (not counting unacknowledged ones). */
  public long messageCount(String queue) {
    return withChannel(channel -> channel.messageCount(queue));
  }

  /** A publisher with its own confirm-mode channel; close it when done. */
  public BuildPublisher publisher() {
    return register(new BuildPublisher(this));
  }

  /**
   * Starts consuming the build queue with manual acknowledgements.
   *
   * @param prefetch unacknowledged deliveries one channel may hold (basic.qos)
   * @param concurrency channels, i.e. handler calls that may run at once
   */
  public BuildConsumer consume(BuildHandler handler, int prefetch, int concurrency) {
    return register(new BuildConsumer(this, handler, prefetch, concurrency, clock));
  }

  QueueTopology topology() {
    return topology;
  }

  synchronized Connection connection() {
    if (closed) {
      throw new IllegalStateException("queue client closed");
    }
    if (connection == null) {
      try {
        Connection fresh = factory.newConnection("pipewright");
        try (Channel channel = fresh.createChannel()) {
          // Declared on the connection so that recovery redeclares it after a broker restart.
          topology.declare(channel);
        }
        connection = fresh;
        log.info("Connected to RabbitMQ at {}", redacted(settings));
      } catch (IOException | TimeoutException | ShutdownSignalException e) {
        throw unavailable("cannot reach RabbitMQ at " + redacted(settings), e);
      }
    }
    if (!connection.isOpen()) {
      throw new CiException(ErrorCode.TRANSIENT, "RabbitMQ connection is recovering");
    }
    return connection;
  }

  Channel openChannel() {
    try {
      return connection().createChannel();
    } catch (IOException | ShutdownSignalException e) {
      throw unavailable("cannot open a RabbitMQ channel", e);
    }
  }

  interface ChannelCall<T> {
    T call(Channel channel) throws IOException, TimeoutException;
  }

  <T> T withChannel(ChannelCall<T> call) {
    Channel channel = openChannel();
    try {
      return call.call(channel);
    } catch (IOException | TimeoutException | ShutdownSignalException e) {
      throw unavailable("RabbitMQ call failed", e);
    } finally {
      closeQuietly(channel);
    }
  }

  static CiException unavailable(String message, Exception cause) {
    String detail =
        cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
    return new CiException(ErrorCode.TRANSIENT, message + ": " + detail, cause);
  }

  static void closeQuietly(Channel channel) {
    if (channel == null || !channel.isOpen()) {
      return;
    }
    try {
      channel.close();
    } catch (IOException | TimeoutException | ShutdownSignalException e) {
      log.debug("Closing a channel failed", e);
    }
  }

  private synchronized <T extends AutoCloseable> T register(T child) {
    children.add(child);
    return child;
  }

  @Override
  public void close() {
    List<AutoCloseable> toClose;
    Connection toAbort;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      toClose = List.copyOf(children);
      toAbort = connection;
    }
    for (AutoCloseable child : toClose) {
      try {
        child.close();
      } catch (Exception e) {
        log.debug("Closing {} failed", child, e);
      }
    }
    if (toAbort != null) {
      toAbort.abort(2_000);
    }
    dispatch.shutdownNow();
  }

  private static String redacted(QueueSettings settings) {
    var uri = settings.uri();
    return uri.getScheme()
        + "://"
        + uri.getHost()
        + ":"
        + (uri.getPort() < 0 ? 5672 : uri.getPort());
  }
}
