package dev.pipewright.entryapi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pipewright.api.ci.v1.ApiTokenServiceGrpc;
import dev.pipewright.api.ci.v1.PipelineServiceGrpc;
import dev.pipewright.auth.Role;
import io.grpc.MethodDescriptor;
import io.grpc.ServiceDescriptor;
import io.grpc.health.v1.HealthGrpc;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class MethodRolesTest {

  /** A new RPC fails here until someone decides who may call it. */
  @Test
  void everyMethodOfTheApiHasARole() {
    for (ServiceDescriptor service :
        List.of(
            PipelineServiceGrpc.getServiceDescriptor(),
            ApiTokenServiceGrpc.getServiceDescriptor(),
            HealthGrpc.getServiceDescriptor(),
            io.grpc.reflection.v1.ServerReflectionGrpc.getServiceDescriptor(),
            io.grpc.reflection.v1alpha.ServerReflectionGrpc.getServiceDescriptor())) {
      for (MethodDescriptor<?, ?> method : service.getMethods()) {
        assertThat(MethodRoles.declared(method.getFullMethodName()))
            .as(method.getFullMethodName())
            .isTrue();
      }
    }
  }

  @Test
  void rolesAreTheDocumentedOnes() {
    assertThat(MethodRoles.needed(PipelineServiceGrpc.getGetBuildMethod().getFullMethodName()))
        .contains(Role.READ);
    assertThat(MethodRoles.needed(PipelineServiceGrpc.getGetBuildLogsMethod().getFullMethodName()))
        .contains(Role.READ);
    assertThat(
            MethodRoles.needed(
                PipelineServiceGrpc.getStartPipelineBuildMethod().getFullMethodName()))
        .contains(Role.SUBMIT);
    assertThat(MethodRoles.needed(PipelineServiceGrpc.getCancelBuildMethod().getFullMethodName()))
        .contains(Role.SUBMIT);
    assertThat(MethodRoles.needed(ApiTokenServiceGrpc.getListApiTokensMethod().getFullMethodName()))
        .contains(Role.ADMIN);
    assertThat(MethodRoles.needed(HealthGrpc.getCheckMethod().getFullMethodName())).isEmpty();
    assertThat(MethodRoles.needed("grpc.reflection.v1.ServerReflection/ServerReflectionInfo"))
        .contains(Role.READ);
  }

  @Test
  void anUndeclaredMethodNeedsAdmin() {
    assertThat(MethodRoles.declared("ci.v2.Other/Call")).isFalse();
    assertThat(MethodRoles.needed("ci.v2.Other/Call")).isEqualTo(Optional.of(Role.ADMIN));
    assertThat(MethodRoles.needed("ci.v1.PipelineService/DeleteEverything"))
        .isEqualTo(Optional.of(Role.ADMIN));
  }
}
