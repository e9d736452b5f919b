package dev.pipewright.cli.training;

import com.google.protobuf.Timestamp;
import dev.pipewright.api.ci.v1.Build;
import dev.pipewright.api.ci.v1.BuildStatus;
import dev.pipewright.api.ci.v1.GetBuildLogsRequest;
import dev.pipewright.api.ci.v1.GetBuildLogsResponse;
import dev.pipewright.api.ci.v1.GetBuildRequest;
import dev.pipewright.api.ci.v1.Job;
import dev.pipewright.api.ci.v1.JobStatus;
import dev.pipewright.api.ci.v1.ListBuildsRequest;
import dev.pipewright.api.ci.v1.ListBuildsResponse;
import dev.pipewright.api.ci.v1.LogChunk;
import dev.pipewright.api.ci.v1.PipelineServiceGrpc;
import dev.pipewright.api.ci.v1.Repository;
import dev.pipewright.api.ci.v1.Step;
import dev.pipewright.api.ci.v1.StepStatus;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.net.InetSocketAddress;

/**
 * The entry API a {@link ClientTraining} run talks to: answers {@code ListBuilds}, {@code GetBuild}
 * and {@code GetBuildLogs} with one fixed, finished build, so the training exercises the path of a
 * call that succeeds (a refused connection loads other classes). It runs in a process of its own,
 * so that none of the server's classes go into the client's archive, and it is for that training
 * only: nothing else starts it.
 *
 * <p>{@code java ... TrainingServer}: prints the loopback port it listens on, then serves until its
 * standard input closes (the training process ended).
 */
public final class TrainingServer extends PipelineServiceGrpc.PipelineServiceImplBase {
  /** The id of the one build it knows. */
  static final String BUILD_ID = "0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0";

  private static final Timestamp START = Timestamp.newBuilder().setSeconds(1_780_000_000).build();
  private static final Timestamp FINISH = Timestamp.newBuilder().setSeconds(1_780_000_042).build();

  public static void main(String[] args) throws IOException, InterruptedException {
    Server server = start(0);
    System.out.println(server.getPort());
    System.out.flush();
    while (System.in.read() >= 0) {
      // serves until the parent closes the pipe
    }
    server.shutdownNow().awaitTermination();
  }

  /** A started server on the loopback {@code port} (0 for any free one). */
  static Server start(int port) throws IOException {
    return NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", port))
        .addService(new TrainingServer())
        .build()
        .start();
  }

  @Override
  public void listBuilds(ListBuildsRequest request, StreamObserver<ListBuildsResponse> response) {
    response.onNext(ListBuildsResponse.newBuilder().addBuilds(build()).build());
    response.onCompleted();
  }

  @Override
  public void getBuild(GetBuildRequest request, StreamObserver<Build> response) {
    response.onNext(build());
    response.onCompleted();
  }

  @Override
  public void getBuildLogs(
      GetBuildLogsRequest request, StreamObserver<GetBuildLogsResponse> response) {
    GetBuildLogsResponse.Builder logs = GetBuildLogsResponse.newBuilder().setCursor("2");
    for (int line = 1; line <= 2; line++) {
      logs.addChunks(
          LogChunk.newBuilder()
              .setJobKey("build")
              .setStepNumber(1)
              .setSequence(line)
              .setContent("line " + line + "\n")
              .setCreateTime(START)
              .setCursor(Integer.toString(line)));
    }
    response.onNext(logs.build());
    response.onCompleted();
  }

  private static Build build() {
    return Build.newBuilder()
        .setId(BUILD_ID)
        .setPipelineId("training")
        .setNumber(1)
        .setStatus(BuildStatus.BUILD_STATUS_SUCCEEDED)
        .setRepository(Repository.newBuilder().setUrl("file:///training").setRef("main"))
        .setWorkflowPath(".github/workflows/ci.yml")
        .setCreateTime(START)
        .setQueueTime(START)
        .setStartTime(START)
        .setFinishTime(FINISH)
        .setRunAttempt(1)
        .addJobs(
            Job.newBuilder()
                .setId("build")
                .setKey("build")
                .setName("build")
                .setStatus(JobStatus.JOB_STATUS_SUCCEEDED)
                .setCreateTime(START)
                .setStartTime(START)
                .setFinishTime(FINISH)
                .setAttempt(1)
                .addSteps(
                    Step.newBuilder()
                        .setNumber(1)
                        .setName("make")
                        .setStatus(StepStatus.STEP_STATUS_SUCCEEDED)
                        .setExitCode(0)
                        .setStartTime(START)
                        .setFinishTime(FINISH)
                        .setAttempt(1)))
        .build();
  }
}
