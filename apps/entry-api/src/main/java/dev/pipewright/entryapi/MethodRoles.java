package dev.pipewright.entryapi;

import dev.pipewright.api.ci.v1.ApiTokenServiceGrpc;
import dev.pipewright.api.ci.v1.PipelineServiceGrpc;
import dev.pipewright.auth.Role;
import io.grpc.health.v1.HealthGrpc;
import java.util.Map;
import java.util.Optional;

/**
 * Which role each gRPC method needs: the one table of who may call what. Health checks are open
 * (probes carry no token). Server reflection needs a read token: the schema is public in the
 * repository, but a caller without a token learns nothing from the port, and grpcurl passes the
 * header ({@code -H 'authorization: Bearer ...'}). A method missing here needs admin: a new RPC is
 * closed until someone decides who may call it.
 */
final class MethodRoles {
  private static final String HEALTH = HealthGrpc.SERVICE_NAME;

  private static final Map<String, Role> SERVICES =
      Map.of(
          ApiTokenServiceGrpc.SERVICE_NAME,
          Role.ADMIN,
          "grpc.reflection.v1.ServerReflection",
          Role.READ,
          "grpc.reflection.v1alpha.ServerReflection",
          Role.READ);

  private static final Map<String, Role> METHODS =
      Map.of(
          PipelineServiceGrpc.getGetBuildMethod().getFullMethodName(), Role.READ,
          PipelineServiceGrpc.getListBuildsMethod().getFullMethodName(), Role.READ,
          PipelineServiceGrpc.getGetBuildLogsMethod().getFullMethodName(), Role.READ,
          PipelineServiceGrpc.getListArtifactsMethod().getFullMethodName(), Role.READ,
          PipelineServiceGrpc.getGetArtifactMethod().getFullMethodName(), Role.READ,
          PipelineServiceGrpc.getStartPipelineBuildMethod().getFullMethodName(), Role.SUBMIT,
          PipelineServiceGrpc.getCancelBuildMethod().getFullMethodName(), Role.SUBMIT,
          PipelineServiceGrpc.getRerunBuildMethod().getFullMethodName(), Role.SUBMIT);

  private MethodRoles() {}

  /** The role {@code fullMethodName} needs; empty when it is open to everyone. */
  static Optional<Role> needed(String fullMethodName) {
    String service = fullMethodName.substring(0, Math.max(0, fullMethodName.indexOf('/')));
    if (service.equals(HEALTH)) {
      return Optional.empty();
    }
    Role role = METHODS.get(fullMethodName);
    if (role == null) {
      role = SERVICES.getOrDefault(service, Role.ADMIN);
    }
    return Optional.of(role);
  }

  /** Whether {@code fullMethodName} is in the table (rather than falling back to admin). */
  static boolean declared(String fullMethodName) {
    String service = fullMethodName.substring(0, Math.max(0, fullMethodName.indexOf('/')));
    return service.equals(HEALTH)
        || METHODS.containsKey(fullMethodName)
        || SERVICES.containsKey(service);
  }
}
