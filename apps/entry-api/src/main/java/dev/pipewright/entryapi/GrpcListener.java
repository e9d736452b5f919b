package dev.pipewright.entryapi;

import dev.pipewright.auth.Authenticator;
import dev.pipewright.auth.RememberedTokens;
import dev.pipewright.ops.config.Listeners;
import dev.pipewright.ops.metrics.PipewrightMetrics;
import dev.pipewright.ops.tls.ServerTls;
import dev.pipewright.store.ApiTokenRepository;
import io.grpc.BindableService;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.ServerBuilder;
import io.grpc.ServerCredentials;
import io.grpc.TlsServerCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Optional;

/**
 * The entry API's gRPC server: Netty on the configured address (TLS, and client certificates, when
 * configured) or the builder an embedding test passes, every call authenticated first ({@link
 * AuthInterceptor}), serving the pipeline and token services, reflection (v1 and v1alpha) and
 * health.
 */
final class GrpcListener {
  private GrpcListener() {}

  /**
   * Starts the server.
   *
   * @param builder null for Netty on {@code listeners}' address and {@code port}
   */
  static Server start(
      ServerBuilder<?> builder,
      Listeners listeners,
      int port,
      Optional<ServerTls> tls,
      Authenticator authenticator,
      PipewrightMetrics metrics,
      PipelineServiceImpl pipelines,
      ApiTokenRepository tokens,
      RememberedTokens remembered)
      throws IOException {
    return (builder != null ? builder : netty(listeners, port, tls))
        .maxInboundMessageSize(Requests.MAX_MESSAGE_BYTES)
        .intercept(new AuthInterceptor(authenticator, metrics))
        .addService(UnparsableRequests.refusedIn(pipelines))
        .addService(
            UnparsableRequests.refusedIn(new ApiTokenServiceImpl(tokens, remembered::forget)))
        .addService(ProtoReflectionServiceV1.newInstance())
        .addService(legacyReflection())
        .addService(new HealthStatusManager().getHealthService())
        .build()
        .start();
  }

  private static ServerBuilder<?> netty(Listeners listeners, int port, Optional<ServerTls> tls) {
    ServerCredentials credentials = InsecureServerCredentials.create();
    if (tls.isPresent()) {
      TlsServerCredentials.Builder b =
          TlsServerCredentials.newBuilder().keyManager(tls.get().keyManager());
      tls.get()
          .clientTrust()
          .ifPresent(
              trust -> b.trustManager(trust).clientAuth(TlsServerCredentials.ClientAuth.REQUIRE));
      credentials = b.build();
    }
    return NettyServerBuilder.forAddress(
        new InetSocketAddress(listeners.bindAddress(), port), credentials);
  }

  @SuppressWarnings("deprecation")
  private static BindableService legacyReflection() {
    // v1alpha, for grpcurl and other clients older than the v1 reflection API.
    return io.grpc.protobuf.services.ProtoReflectionService.newInstance();
  }
}
