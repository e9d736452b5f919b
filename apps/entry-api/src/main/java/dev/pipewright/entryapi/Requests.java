package dev.pipewright.entryapi;

import dev.pipewright.api.ci.v1.BuildStatus;
import dev.pipewright.api.ci.v1.ListBuildsRequest;
import dev.pipewright.api.ci.v1.StartPipelineBuildRequest;
import dev.pipewright.parser.WorkflowLimits;
import dev.pipewright.store.NewBuild;
import dev.pipewright.store.Variable;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** Request validation and decoding: pure, so every refusal is unit-tested. */
final class Requests {
  static final String DEFAULT_WORKFLOW_PATH = "workflow.yml";

  /**
   * The largest StartPipelineBuild message read: the largest workflow the parser accepts plus 256
   * KiB for the other fields (variables, ids). A workflow between its limit and this one is refused
   * by the parser with a positioned diagnostic; gRPC refuses a larger message from its length
   * prefix (RESOURCE_EXHAUSTED) before buffering it, so a huge request costs the server nothing.
   */
  static final int MAX_MESSAGE_BYTES = WorkflowLimits.DEFAULT.documentBytes() + (256 << 10);

  private Requests() {}

  /**
   * A storable build, after the workflow parsed and planned.
   *
   * @throws BadRequestException for a missing field
   * @throws dev.pipewright.parser.WorkflowException for a workflow with problems, one over the
   *     parser's size limits included
   */
  static NewBuild newBuild(StartPipelineBuildRequest request, WorkflowValidator validator) {
    if (request.getPipelineId().isBlank()) {
      throw new BadRequestException("pipeline_id", "required");
    }
    if (request.getWorkflowYaml().isBlank()) {
      throw new BadRequestException(GrpcErrors.WORKFLOW_FIELD, "required");
    }
    String path =
        request.getWorkflowPath().isBlank() ? DEFAULT_WORKFLOW_PATH : request.getWorkflowPath();
    validator.validate(request.getWorkflowYaml(), path);
    Map<String, Variable> variables = new LinkedHashMap<>();
    request
        .getVariablesMap()
        .forEach((name, v) -> variables.put(name, new Variable(v.getValue(), v.getSecret())));
    var repo = request.getRepository();
    return new NewBuild(
        request.getPipelineId(),
        request.getWorkflowYaml(),
        path,
        emptyToNull(repo.getUrl()),
        emptyToNull(repo.getRef()),
        emptyToNull(repo.getSha()),
        variables,
        emptyToNull(request.getIdempotencyKey()));
  }

  static Set<dev.pipewright.models.BuildStatus> statuses(ListBuildsRequest request) {
    Set<dev.pipewright.models.BuildStatus> statuses =
        EnumSet.noneOf(dev.pipewright.models.BuildStatus.class);
    for (BuildStatus status : request.getStatusesList()) {
      if (status == BuildStatus.BUILD_STATUS_UNSPECIFIED || status == BuildStatus.UNRECOGNIZED) {
        throw new BadRequestException("statuses", "unknown status " + status);
      }
      statuses.add(Protos.status(status));
    }
    return statuses;
  }

  static int pageSize(ListBuildsRequest request) {
    if (request.getPageSize() < 0) {
      throw new BadRequestException("page_size", "must not be negative");
    }
    return request.getPageSize();
  }

  /** A log cursor is the id of the last chunk seen; empty means from the start. */
  static long cursor(String value) {
    if (value.isEmpty()) {
      return 0;
    }
    try {
      long cursor = Long.parseLong(value);
      if (cursor < 0) {
        throw new NumberFormatException();
      }
      return cursor;
    } catch (NumberFormatException e) {
      throw new BadRequestException("cursor", "not a log cursor: " + value);
    }
  }

  private static String emptyToNull(String s) {
    return s == null || s.isEmpty() ? null : s;
  }
}
