package dev.pipewright.entryapi;

import dev.pipewright.api.ci.v1.Build;
import dev.pipewright.api.ci.v1.CancelBuildRequest;
import dev.pipewright.api.ci.v1.CancelBuildResponse;
import dev.pipewright.api.ci.v1.GetBuildLogsRequest;
import dev.pipewright.api.ci.v1.GetBuildLogsResponse;
import dev.pipewright.api.ci.v1.GetBuildRequest;
import dev.pipewright.api.ci.v1.ListBuildsRequest;
import dev.pipewright.api.ci.v1.ListBuildsResponse;
import dev.pipewright.api.ci.v1.PipelineServiceGrpc;
import dev.pipewright.api.ci.v1.StartPipelineBuildRequest;
import dev.pipewright.api.ci.v1.StartPipelineBuildResponse;
import dev.pipewright.models.CiException;
import dev.pipewright.models.ErrorCode;
import dev.pipewright.store.AdmissionWriter;
import dev.pipewright.store.BuildPage;
import dev.pipewright.store.BuildRepository;
import dev.pipewright.store.BuildView;
import dev.pipewright.store.NewBuild;
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
  private final AdmissionWriter admissions;
  private final WorkflowValidator workflows = new WorkflowValidator(1024);
  private final LogSource logs;
  private final Runnable onCreated;
  private final ScheduledExecutorService scheduler;
  private final Duration logPollInterval;

  /**
   * @param admissions creates builds, many per statement under load
   * @param onCreated told after a new build committed (wakes the outbox relay)
   * @param scheduler runs the polls of following log streams
   */
  PipelineServiceImpl(
      BuildRepository builds,
      AdmissionWriter admissions,
      LogSource logs,
      Runnable onCreated,
      ScheduledExecutorService scheduler,
      Duration logPollInterval) {
    this.builds = builds;
    this.admissions = admissions;
    this.logs = logs;
    this.onCreated = onCreated;
    this.scheduler = scheduler;
    this.logPollInterval = logPollInterval;
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
                response.onError(GrpcErrors.toStatus(unwrap(error)));
                return;
              }
              if (!created.existing()) {
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
    unary(response, () -> Protos.build(find(Requests.buildId(request.getBuildId()))));
  }

  @Override
  public void listBuilds(ListBuildsRequest request, StreamObserver<ListBuildsResponse> response) {
    unary(
        response,
        () -> {
          BuildPage page =
              builds.list(
                  request.getPipelineId(),
                  Requests.statuses(request),
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
        response,
        () -> {
          UUID id = Requests.buildId(request.getBuildId());
          builds.requestCancel(id);
          return CancelBuildResponse.newBuilder().setBuild(Protos.build(find(id))).build();
        });
  }

  @Override
  public void getBuildLogs(
      GetBuildLogsRequest request, StreamObserver<GetBuildLogsResponse> response) {
    try {
      UUID id = Requests.buildId(request.getBuildId());
      String jobKey = request.getJobKey().isEmpty() ? null : request.getJobKey();
      Integer step = request.hasStepNumber() ? request.getStepNumber() : null;
      if (step != null && jobKey == null) {
        throw new BadRequestException("step_number", "needs a job_key");
      }
      long cursor = Requests.cursor(request.getCursor());
      find(id);
      new LogFollower(
              id,
              jobKey,
              step,
              cursor,
              request.getFollow(),
              logs,
              () -> LogFollower.finished(find(id), jobKey, step),
              (ServerCallStreamObserver<GetBuildLogsResponse>) response,
              scheduler,
              logPollInterval)
          .start();
    } catch (RuntimeException e) {
      response.onError(GrpcErrors.toStatus(e));
    }
  }

  private BuildView find(UUID id) {
    return builds
        .find(id)
        .orElseThrow(() -> new CiException(ErrorCode.NOT_FOUND, "no build " + id));
  }

  private static <T> void unary(StreamObserver<T> response, Supplier<T> call) {
    T result;
    try {
      result = call.get();
    } catch (RuntimeException e) {
      response.onError(GrpcErrors.toStatus(e));
      return;
    }
    response.onNext(result);
    response.onCompleted();
  }
}
