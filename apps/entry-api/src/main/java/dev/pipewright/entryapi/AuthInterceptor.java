package dev.pipewright.entryapi;

import dev.pipewright.auth.Authenticator;
import dev.pipewright.auth.Principal;
import dev.pipewright.auth.Role;
import dev.pipewright.auth.Verdict;
import dev.pipewright.ops.access.Refusals;
import dev.pipewright.ops.metrics.PipewrightMetrics;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Optional;

/**
 * Lets a call in when its {@code authorization: Bearer <token>} metadata holds a live token with
 * the role {@link MethodRoles} asks for: UNAUTHENTICATED otherwise, or PERMISSION_DENIED for a
 * token whose role is too small; both counted and logged by {@link Refusals}. The store being
 * unreachable is no refusal: such a call fails UNAVAILABLE like any other.
 */
final class AuthInterceptor implements ServerInterceptor {
  static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
  private static final Context.Key<Principal> CALLER = Context.key("pipewright-caller");

  private final Authenticator authenticator;
  private final Refusals refusals;

  AuthInterceptor(Authenticator authenticator, PipewrightMetrics metrics) {
    this.authenticator = authenticator;
    this.refusals = new Refusals(metrics);
  }

  /** Who made the call being served (anonymous when authentication is off). */
  static Principal caller() {
    Principal p = CALLER.get();
    return p == null ? Principal.ANONYMOUS : p;
  }

  @Override
  public <Q, A> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, A> call, Metadata headers, ServerCallHandler<Q, A> next) {
    String method = call.getMethodDescriptor().getFullMethodName();
    Optional<Role> needed = MethodRoles.needed(method);
    if (needed.isEmpty()) {
      return next.startCall(call, headers);
    }
    Verdict verdict;
    try {
      verdict =
          authenticator.check(
              headers.get(AUTHORIZATION),
              needed.get(),
              call.getMethodDescriptor().getBareMethodName());
    } catch (RuntimeException e) {
      StatusRuntimeException failed = GrpcErrors.toStatus(e);
      call.close(
          failed.getStatus(), failed.getTrailers() == null ? new Metadata() : failed.getTrailers());
      return new ServerCall.Listener<>() {};
    }
    if (verdict instanceof Verdict.Refused refused) {
      refusals.record(PipewrightMetrics.Transport.GRPC, method, peer(call), refused);
      Status status =
          refused.refusal() == Verdict.Refusal.UNAUTHENTICATED
              ? Status.UNAUTHENTICATED
              : Status.PERMISSION_DENIED;
      call.close(status.withDescription(refused.reason()), new Metadata());
      return new ServerCall.Listener<>() {};
    }
    Principal principal = ((Verdict.Allowed) verdict).principal();
    return Contexts.interceptCall(
        Context.current().withValue(CALLER, principal), call, headers, next);
  }

  private static String peer(ServerCall<?, ?> call) {
    SocketAddress address = call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR);
    return address instanceof InetSocketAddress inet
        ? inet.getAddress().getHostAddress()
        : String.valueOf(address);
  }
}
