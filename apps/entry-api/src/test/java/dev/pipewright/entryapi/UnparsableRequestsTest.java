package dev.pipewright.entryapi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.CodedOutputStream;
import dev.pipewright.api.ci.v1.PipelineServiceGrpc;
import dev.pipewright.api.ci.v1.StartPipelineBuildRequest;
import dev.pipewright.api.ci.v1.StartPipelineBuildResponse;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class UnparsableRequestsTest {
  private final List<String> reached = new ArrayList<>();
  private Server server;
  private ManagedChannel channel;

  /** Records the workflows that reach it. */
  private final class RecordingService extends PipelineServiceGrpc.PipelineServiceImplBase {
    @Override
    public void startPipelineBuild(
        StartPipelineBuildRequest request, StreamObserver<StartPipelineBuildResponse> response) {
      reached.add(request.getWorkflowYaml());
      response.onNext(StartPipelineBuildResponse.newBuilder().setBuildId("b-1").build());
      response.onCompleted();
    }
  }

  @BeforeEach
  void start() throws IOException {
    String name = InProcessServerBuilder.generateName();
    server =
        InProcessServerBuilder.forName(name)
            .directExecutor()
            .addService(UnparsableRequests.refusedIn(new RecordingService()))
            .build()
            .start();
    channel = InProcessChannelBuilder.forName(name).directExecutor().build();
  }

  @AfterEach
  void stop() {
    channel.shutdownNow();
    server.shutdownNow();
  }

  @Test
  void aStringFieldThatIsNotUtf8IsInvalidArgumentAndNeverReachesTheService() {
    byte[] notUtf8 = "on: push\n# \u00ff\u00fe\n".getBytes(StandardCharsets.ISO_8859_1);

    assertThatThrownBy(() -> call(workflowField(notUtf8)))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
              assertThat(e.getStatus().getDescription())
                  .contains("ci.v1.PipelineService/StartPipelineBuild")
                  .contains("UTF-8");
            });
    assertThat(reached).isEmpty();
  }

  @Test
  void aTruncatedMessageIsInvalidArgument() {
    byte[] whole = workflowField("on: push\n".getBytes(StandardCharsets.UTF_8));
    byte[] truncated = java.util.Arrays.copyOf(whole, whole.length - 3);

    assertThatThrownBy(() -> call(truncated))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT));
    assertThat(reached).isEmpty();
  }

  @Test
  void aValidRequestReachesTheServiceAndItsAnswerComesBack() {
    byte[] answer = call(workflowField("on: push\n".getBytes(StandardCharsets.UTF_8)));

    assertThat(reached).containsExactly("on: push\n");
    assertThat(answer)
        .isEqualTo(StartPipelineBuildResponse.newBuilder().setBuildId("b-1").build().toByteArray());
  }

  /** A request holding only the workflow field, with bytes a generated client would refuse. */
  private static byte[] workflowField(byte[] yaml) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try {
      CodedOutputStream out = CodedOutputStream.newInstance(bytes);
      out.writeByteArray(StartPipelineBuildRequest.WORKFLOW_YAML_FIELD_NUMBER, yaml);
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  private byte[] call(byte[] request) {
    MethodDescriptor<byte[], byte[]> raw =
        PipelineServiceGrpc.getStartPipelineBuildMethod().toBuilder(RAW, RAW).build();
    return ClientCalls.blockingUnaryCall(channel, raw, io.grpc.CallOptions.DEFAULT, request);
  }

  private static final MethodDescriptor.Marshaller<byte[]> RAW =
      new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
          return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
          try {
            return stream.readAllBytes();
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        }
      };
}
