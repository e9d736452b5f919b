package dev.pipewright.entryapi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pipewright.api.ci.v1.BuildStatus;
import dev.pipewright.api.ci.v1.ListBuildsRequest;
import dev.pipewright.api.ci.v1.Repository;
import dev.pipewright.api.ci.v1.StartPipelineBuildRequest;
import dev.pipewright.api.ci.v1.Variable;
import dev.pipewright.capabilities.Target;
import dev.pipewright.parser.WorkflowException;
import dev.pipewright.store.NewBuild;
import org.junit.jupiter.api.Test;

class RequestsTest {
  static final String WORKFLOW =
      """
      on: push
      jobs:
        build:
          runs-on: ubuntu-latest
          steps:
            - run: echo hello
      """;

  @Test
  void validRequestBecomesANewBuild() {
    NewBuild build =
        Requests.newBuild(
            StartPipelineBuildRequest.newBuilder()
                .setPipelineId("acme/app")
                .setWorkflowYaml(WORKFLOW)
                .setWorkflowPath(".github/workflows/ci.yml")
                .setRepository(Repository.newBuilder().setUrl("https://git/acme").setSha("abc"))
                .putVariables("TOKEN", Variable.newBuilder().setValue("t").setSecret(true).build())
                .putVariables("ENV", Variable.newBuilder().setValue("prod").build())
                .setIdempotencyKey("k1")
                .build(),
            new WorkflowValidator(Target.local(true), 8));
    assertThat(build.pipelineId()).isEqualTo("acme/app");
    assertThat(build.workflowPath()).isEqualTo(".github/workflows/ci.yml");
    assertThat(build.repositoryUrl()).isEqualTo("https://git/acme");
    assertThat(build.repositoryRef()).isNull();
    assertThat(build.variables().get("TOKEN").secret()).isTrue();
    assertThat(build.variables().get("ENV").value()).isEqualTo("prod");
    assertThat(build.idempotencyKey()).isEqualTo("k1");
  }

  @Test
  void missingFieldsAreBadRequests() {
    assertThatThrownBy(
            () ->
                Requests.newBuild(
                    StartPipelineBuildRequest.newBuilder().setWorkflowYaml(WORKFLOW).build(),
                    new WorkflowValidator(Target.local(true), 8)))
        .isInstanceOfSatisfying(
            BadRequestException.class,
            e -> assertThat(e.violations().get(0).field()).isEqualTo("pipeline_id"));
    assertThatThrownBy(
            () ->
                Requests.newBuild(
                    StartPipelineBuildRequest.newBuilder().setPipelineId("p").build(),
                    new WorkflowValidator(Target.local(true), 8)))
        .isInstanceOfSatisfying(
            BadRequestException.class,
            e -> assertThat(e.violations().get(0).field()).isEqualTo("workflow_yaml"));
  }

  @Test
  void invalidWorkflowIsRefusedWithPositions() {
    assertThatThrownBy(
            () ->
                Requests.newBuild(
                    StartPipelineBuildRequest.newBuilder()
                        .setPipelineId("p")
                        .setWorkflowYaml("jobs:\n  a:\n    needs: [nope]\n    steps: []\n")
                        .build(),
                    new WorkflowValidator(Target.local(true), 8)))
        .isInstanceOfSatisfying(
            WorkflowException.class,
            e ->
                assertThat(e.diagnostics())
                    .allSatisfy(d -> assertThat(d.file()).isEqualTo("workflow.yml"))
                    .allSatisfy(d -> assertThat(d.line()).isPositive()));
  }

  @Test
  void listFilters() {
    var request =
        ListBuildsRequest.newBuilder()
            .addStatuses(BuildStatus.BUILD_STATUS_QUEUED)
            .addStatuses(BuildStatus.BUILD_STATUS_RUNNING)
            .build();
    assertThat(Requests.statuses(request))
        .containsExactlyInAnyOrder(
            dev.pipewright.models.BuildStatus.QUEUED, dev.pipewright.models.BuildStatus.RUNNING);
    assertThatThrownBy(
            () ->
                Requests.statuses(
                    ListBuildsRequest.newBuilder()
                        .addStatuses(BuildStatus.BUILD_STATUS_UNSPECIFIED)
                        .build()))
        .isInstanceOf(BadRequestException.class);
    assertThatThrownBy(
            () -> Requests.pageSize(ListBuildsRequest.newBuilder().setPageSize(-1).build()))
        .isInstanceOf(BadRequestException.class);
  }

  @Test
  void logCursors() {
    assertThat(Requests.cursor("")).isZero();
    assertThat(Requests.cursor("17")).isEqualTo(17);
    assertThatThrownBy(() -> Requests.cursor("-1")).isInstanceOf(BadRequestException.class);
    assertThatThrownBy(() -> Requests.cursor("abc")).isInstanceOf(BadRequestException.class);
  }
}
