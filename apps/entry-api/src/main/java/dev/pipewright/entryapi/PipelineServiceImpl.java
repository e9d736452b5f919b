package dev.pipewright.entryapi;

import dev.pipewright.api.ci.v1.Build;
import dev.pipewright.api.ci.v1.CancelBuildRequest;
import dev.pipewright.api.ci.v1.CancelBuildResponse;
import dev.pipewright.api.ci.v1.GetArtifactRequest;
import dev.pipewright.api.ci.v1.GetArtifactResponse;
import dev.pipewright.api.ci.v1.GetBuildLogsRequest;
import dev.pipewright.api.ci.v1.GetBuildLogsResponse;
import dev.pipewright.api.ci.v1.GetBuildRequest;
import dev.pipewright.api.ci.v1.ListArtifactsRequest;
import dev.pipewright.api.ci.v1.ListArtifactsResponse;
import dev.pipewright.api.ci.v1.ListBuildsRequest;
import dev.pipewright.api.ci.v1.ListBuildsResponse;
import dev.pipewright.api.ci.v1.PipelineServiceGrpc;
import dev.pipewright.api.ci.v1.RerunBuildRequest;
import dev.pipewright.api.ci.v1.RerunBuildResponse;
import dev.pipewright.api.ci.v1.StartPipelineBuildRequest;
import dev.pipewright.api.ci.v1.StartPipelineBuildResponse;
import dev.pipewright.ops.metrics.PipewrightMetrics;
import dev.pipewright.store.AdmissionWriter;
import dev.pipewright.store.BuildPage;
import dev.pipewright.store.BuildRepository;
import dev.pipewright.store.BuildView;
import dev.pipewright.store.NewBuild;
import dev.pipewright.store.Rerun;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Supplier;

/** ci.v1.PipelineService over the store. Failures go through {@link GrpcErrors}. */
final class PipelineServiceImpl extends PipelineServiceGrpc.PipelineServiceImplBase {
  private final BuildRepository builds;
  private final BuildLookup lookup;
  private final AdmissionWriter admissions;
  private final WorkflowValidator workflows;
  private final LogSource logs;
  private final Runnable onCreated;
  private final ScheduledExecutorService scheduler;
  private final Duration logPollInterval;
  private final PipewrightMetrics metrics;
  private final ArtifactCalls artifacts;

  /**
   * @param admissions creates builds, many per statement under load
   * @param onCreated told after a new build committed (wakes the outbox relay)
   * @param scheduler runs the polls of following log streams
   * @param metrics counts admissions and database failures
   * @param workflows admits only what the installation's executor can run
   * @param artifacts the build's artifacts (GetBuild, ListArtifacts, GetArtifact)
   */
  PipelineServiceImpl(
      BuildRepository builds,
      AdmissionWriter admissions,
      LogSource logs,
      Runnable onCreated,
      ScheduledExecutorService scheduler,
      Duration logPollInterval,
      PipewrightMetrics metrics,
      WorkflowValidator workflows,
      ArtifactCalls artifacts) {
    this.builds = builds;
    this.lookup = new BuildLookup(builds);
    this.workflows = workflows;
    this.admissions = admissions;
    this.logs = logs;
    this.onCreated = onCreated;
    this.scheduler = scheduler;
    this.logPollInterval = logPollInterval;
    this.metrics = metrics;
    this.artifacts = artifacts;
  }

  @Override
  public void startPipelineBuild(
      StartPipelineBuildRequest request, StreamObserver<StartPipelineBuildResponse> response) {
    NewBuild build;
    try {
      build = Requests.newBuild(request, workflows);
    } catch (RuntimeException e) {
      response.onError(GrpcErrors.toStatus(e));
      return;
    }
    // Answered from the admission writer's thread once the build committed: no gRPC thread is
    // parked per build in flight.
    admissions
        .submit(build)
        .whenComplete(
            (created, error) -> {
              if (error != null) {
                response.onError(failed("admit", unwrap(error)));
                return;
              }
              if (!created.existing()) {
                metrics.buildAdmitted();
                onCreated.run();
              }
              response.onNext(
                  StartPipelineBuildResponse.newBuilder()
                      .setBuildId(created.id().toString())
                      .setStatus(Protos.status(created.status()))
                      .setNumber(created.number())
                      .build());
              response.onCompleted();
            });
  }

  private static Throwable unwrap(Throwable error) {
    return error instanceof CompletionException && error.getCause() != null
        ? error.getCause()
        : error;
  }

  @Override
  public void getBuild(GetBuildRequest request, StreamObserver<Build> response) {
    unary(
        "get_build",
        response,
        () -> {
          BuildView build = lookup.build(request.getBuildId());
          return Protos.build(build).toBuilder().addAllArtifacts(artifacts.of(build.id())).build();
        });
  }

  @Override
  public void listArtifacts(
      ListArtifactsRequest request, StreamObserver<ListArtifactsResponse> response) {
    unary(
        "list_artifacts",
        response,
        () -> {
          UUID id = lookup.find(lookup.id(request.getBuildId())).id();
          return ListArtifactsResponse.newBuilder().addAllArtifacts(artifacts.list(id)).build();
        });
  }

  @Override
  public void getArtifact(
      GetArtifactRequest request, StreamObserver<GetArtifactResponse> response) {
    try {
      UUID id = lookup.find(lookup.id(request.getBuildId())).id();
      artifacts.get(id, request, (ServerCallStreamObserver<GetArtifactResponse>) response);
    } catch (RuntimeException e) {
      response.onError(failed("get_artifact", e));
    }
  }

  @Override
  public void listBuilds(ListBuildsRequest request, StreamObserver<ListBuildsResponse> response) {
    listBuilds(request, "", response);
  }

  /**
   * ListBuilds with a branch filter, which the console offers and the gRPC message has no field for
   * yet.
   *
   * @param branch a branch name ({@code main} matches {@code refs/heads/main}); empty for any
   */
  void listBuilds(
      ListBuildsRequest request, String branch, StreamObserver<ListBuildsResponse> response) {
    unary(
        "list_builds",
        response,
        () -> {
          BuildPage page =
              builds.list(
                  request.getPipelineId(),
                  Requests.statuses(request),
                  branch,
                  request.getPageToken(),
                  Requests.pageSize(request));
          ListBuildsResponse.Builder b =
              ListBuildsResponse.newBuilder().setNextPageToken(page.nextPageToken());
          page.builds().forEach(build -> b.addBuilds(Protos.build(build)));
          return b.build();
        });
  }

  @Override
  public void cancelBuild(
      CancelBuildRequest request, StreamObserver<CancelBuildResponse> response) {
    unary(
        "cancel_build",
        response,
        () -> {
          UUID id = lookup.id(request.getBuildId());
          builds.requestCancel(id, request.getReason().isBlank() ? null : request.getReason());
          return CancelBuildResponse.newBuilder().setBuild(Protos.build(lookup.find(id))).build();
        });
  }

  @Override
  public void rerunBuild(RerunBuildRequest request, StreamObserver<RerunBuildResponse> response) {
    unary(
        "rerun_build",
        response,
        () -> {
          UUID id = lookup.id(request.getBuildId());
          Rerun rerun = builds.rerun(id, request.getFailedOnly(), request.getSecretsMap());
          // The outbox row committed with the re-run: wake the relay as for a new build.
          onCreated.run();
          return RerunBuildResponse.newBuilder()
              .setBuild(Protos.build(lookup.find(id)))
              .addAllJobKeys(rerun.jobKeys())
              .build();
        });
  }

  @Override
  public void getBuildLogs(
      GetBuildLogsRequest request, StreamObserver<GetBuildLogsResponse> response) {
    try {
      Integer step = request.hasStepNumber() ? request.getStepNumber() : null;
      if (step != null && request.getJobKey().isEmpty()) {
        throw new BadRequestException("step_number", "needs a job_key");
      }
      long cursor = Requests.cursor(request.getCursor());
      BuildView build = lookup.build(request.getBuildId());
      UUID id = build.id();
      String jobKey = BuildLookup.jobKey(build, request.getJobKey());
      new LogFollower(
              id,
              jobKey,
              step,
              cursor,
              request.getFollow(),
              logs,
              () -> LogFollower.finished(lookup.find(id), jobKey, step),
              (ServerCallStreamObserver<GetBuildLogsResponse>) response,
              scheduler,
              logPollInterval)
          .start();
    } catch (RuntimeException e) {
      response.onError(failed("read_logs", e));
    }
  }

  /**
   * The status for a failed call, counting it as a database error when the store failed rather than
   * the request (bad input, unknown build).
   *
   * @param operation a fixed name, one time series each
   */
  private StatusRuntimeException failed(String operation, Throwable failure) {
    StatusRuntimeException status = GrpcErrors.toStatus(failure);
    if (storeFailure(status.getStatus().getCode())) {
      metrics.databaseError(operation);
    }
    return status;
  }

  static boolean storeFailure(Status.Code code) {
    return code == Status.Code.UNAVAILABLE
        || code == Status.Code.INTERNAL
        || code == Status.Code.UNKNOWN
        || code == Status.Code.DEADLINE_EXCEEDED;
  }

  private <T> void unary(String operation, StreamObserver<T> response, Supplier<T> call) {
    T result;
    try {
      result = call.get();
    } catch (RuntimeException e) {
      response.onError(failed(operation, e));
      return;
    }
    response.onNext(result);
    response.onCompleted();
  }
}
