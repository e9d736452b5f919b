package dev.pipewright.cli.client;

import dev.pipewright.api.ci.v1.ApiTokenServiceGrpc;
import dev.pipewright.api.ci.v1.PipelineServiceGrpc;
import io.grpc.ChannelCredentials;
import io.grpc.CompositeChannelCredentials;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.TlsChannelCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.MultiThreadIoEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.nio.NioIoHandler;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioSocketChannel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * The one gRPC connection of the CLI to the entry API: plain text or TLS, with the API token on
 * every call when there is one.
 */
public final class ApiClient implements AutoCloseable {
  private static final Duration CALL_DEADLINE = Duration.ofSeconds(15);
  private static final int MAX_MESSAGE_BYTES = 64 << 20;
  private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

  private final ServerAddress address;
  private final EventLoopGroup eventLoop;
  private final ManagedChannel channel;
  private final PipelineServiceGrpc.PipelineServiceBlockingStub stub;
  private final ApiTokenServiceGrpc.ApiTokenServiceBlockingStub tokens;

  /**
   * @throws UncheckedIOException when a TLS file cannot be read
   */
  public ApiClient(Connection connection) {
    this.address = connection.address();
    ChannelCredentials credentials = transport(connection);
    if (connection.token().isPresent()) {
      credentials =
          CompositeChannelCredentials.create(
              credentials, new BearerToken(connection.token().get()));
    }
    // The channel's own event loop, stopped in close(): gRPC's shared one outlives the channel by
    // a second, and a thread still waiting in epoll when the command exits makes the JVM wait
    // 300 ms for it (VM_Exit::wait_for_threads_in_native_to_block) on every command.
    this.eventLoop = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    this.channel =
        builder(address, credentials)
            .eventLoopGroup(eventLoop)
            .channelType(NioSocketChannel.class)
            .maxInboundMessageSize(MAX_MESSAGE_BYTES)
            .build();
    this.stub = PipelineServiceGrpc.newBlockingStub(channel);
    this.tokens = ApiTokenServiceGrpc.newBlockingStub(channel);
  }

  /**
   * An IPv4 address (the default server's) needs no name resolver: gRPC's would start a thread to
   * hand it back. The channel's authority stays {@code host:port} either way.
   */
  private static NettyChannelBuilder builder(
      ServerAddress address, ChannelCredentials credentials) {
    if (IPV4.matcher(address.host()).matches()) {
      try {
        return NettyChannelBuilder.forAddress(
            new InetSocketAddress(InetAddress.getByName(address.host()), address.port()),
            credentials);
      } catch (UnknownHostException e) {
        // not an address after all (an octet over 255): the resolver reports it
      }
    }
    return NettyChannelBuilder.forAddress(address.host(), address.port(), credentials);
  }

  private static ChannelCredentials transport(Connection connection) {
    if (connection.tls().isEmpty()) {
      return InsecureChannelCredentials.create();
    }
    Connection.Tls tls = connection.tls().get();
    TlsChannelCredentials.Builder b = TlsChannelCredentials.newBuilder();
    try {
      if (tls.caFile().isPresent()) {
        b.trustManager(tls.caFile().get().toFile());
      }
      if (tls.certFile().isPresent()) {
        b.keyManager(tls.certFile().get().toFile(), tls.keyFile().orElseThrow().toFile());
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read a TLS file: " + e.getMessage(), e);
    }
    return b.build();
  }

  public ServerAddress address() {
    return address;
  }

  /** For one unary call: fails rather than hang when the server stops answering. */
  public PipelineServiceGrpc.PipelineServiceBlockingStub call() {
    return stub.withDeadlineAfter(CALL_DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** For streams that last as long as a build (following logs): no deadline. */
  public PipelineServiceGrpc.PipelineServiceBlockingStub stream() {
    return stub;
  }

  /** The token service, for one call. */
  public ApiTokenServiceGrpc.ApiTokenServiceBlockingStub tokens() {
    return tokens.withDeadlineAfter(CALL_DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  public void close() {
    channel.shutdownNow();
    try {
      channel.awaitTermination(2, TimeUnit.SECONDS);
      eventLoop.shutdownGracefully(0, 2, TimeUnit.SECONDS).await(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
