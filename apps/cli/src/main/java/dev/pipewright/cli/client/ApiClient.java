package dev.pipewright.cli.client;

import dev.pipewright.api.ci.v1.PipelineServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** A plaintext gRPC connection to the entry API. */
public final class ApiClient implements AutoCloseable {
  private static final Duration CALL_DEADLINE = Duration.ofSeconds(15);
  private static final int MAX_MESSAGE_BYTES = 64 << 20;

  private final ServerAddress address;
  private final ManagedChannel channel;
  private final PipelineServiceGrpc.PipelineServiceBlockingStub stub;

  public ApiClient(ServerAddress address) {
    this.address = address;
    this.channel =
        NettyChannelBuilder.forAddress(address.host(), address.port()).usePlaintext().build();
    this.stub = PipelineServiceGrpc.newBlockingStub(channel);
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

  @Override
  public void close() {
    channel.shutdownNow();
    try {
      channel.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
