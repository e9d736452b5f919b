package dev.pipewright.entryapi;

import com.google.protobuf.InvalidProtocolBufferException;
import io.grpc.BindableService;
import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;

/**
 * Answers a request whose bytes are not a valid message of its method (a string field that is not
 * UTF-8, a truncated field) with INVALID_ARGUMENT saying why. gRPC parses a request before any
 * service code runs and answers a parse failure with UNKNOWN "Application error processing RPC" and
 * a stack trace in the server log: a client's mistake, or an attacker's probe, reported as the
 * server's fault. Here the service receives its requests as bytes and parses them in a listener
 * that can close the call with the right status.
 */
final class UnparsableRequests implements ServerInterceptor {

  private UnparsableRequests() {}

  /** {@code service}, refusing requests it cannot parse with INVALID_ARGUMENT. */
  static ServerServiceDefinition refusedIn(BindableService service) {
    return ServerInterceptors.intercept(
        ServerInterceptors.useInputStreamMessages(service.bindService()), new UnparsableRequests());
  }

  @Override
  public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(
      ServerCall<ReqT, RespT> call, Metadata headers, ServerCallHandler<ReqT, RespT> next) {
    return new SimpleForwardingServerCallListener<>(next.startCall(call, headers)) {
      private boolean refused;

      @Override
      public void onMessage(ReqT message) {
        if (refused) {
          return;
        }
        try {
          super.onMessage(message);
        } catch (StatusRuntimeException e) {
          if (!(e.getCause() instanceof InvalidProtocolBufferException unparsable)) {
            throw e;
          }
          refused = true;
          call.close(
              Status.INVALID_ARGUMENT.withDescription(
                  "the request is not a valid "
                      + call.getMethodDescriptor().getFullMethodName()
                      + " request: "
                      + unparsable.getMessage()),
              new Metadata());
        }
      }

      @Override
      public void onHalfClose() {
        // The call is closed: the service must not run on a request it never got.
        if (!refused) {
          super.onHalfClose();
        }
      }
    };
  }
}
