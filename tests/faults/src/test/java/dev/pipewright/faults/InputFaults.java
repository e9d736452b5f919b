package dev.pipewright.faults;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.CodedOutputStream;
import dev.pipewright.api.ci.v1.Build;
import dev.pipewright.api.ci.v1.BuildStatus;
import dev.pipewright.api.ci.v1.ListBuildsRequest;
import dev.pipewright.api.ci.v1.PipelineServiceGrpc;
import dev.pipewright.api.ci.v1.StartPipelineBuildRequest;
import dev.pipewright.e2e.Installation;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Poison and hostile workflows sent to the API: each refused with a clear status, and the service
 * still admits and runs a valid build afterwards.
 */
final class InputFaults {
  private static final Logger LOG = LoggerFactory.getLogger(InputFaults.class);

  /** HostileWorkflows' texts sent here; the 10 to 50 MB files add nothing the 5 MB one does not. */
  private static final Set<String> SENT =
      Set.of(
          "flow nesting 10,000",
          "block nesting 10,000",
          "indented nesting 1,400",
          "billion laughs",
          "expression nesting 10,000",
          "one 512 KiB value",
          "1 MB of small jobs",
          "1.1 MB file",
          "5 MB file");

  /** The statuses a refused input may get: the workflow's fault, or over the message limit. */
  private static final Set<Status.Code> REFUSALS =
      Set.of(Status.Code.INVALID_ARGUMENT, Status.Code.RESOURCE_EXHAUSTED);

  private InputFaults() {}

  /**
   * Every hostile text is refused with INVALID_ARGUMENT or RESOURCE_EXHAUSTED and a description
   * (never UNKNOWN or INTERNAL, the marks of an exception escaping), nothing is stored, and a valid
   * build is then admitted and run. Recovery: from the last refusal until the valid build ended.
   */
  static Figures hostileInputs() throws Exception {
    try (Installation pw = new Installation("hostile");
        Ledger ledger = new Ledger()) {
      pw.startWorker(pw.workerConfig("w", Map.of()));
      Map<String, byte[]> inputs = new LinkedHashMap<>();
      HostileWorkflows.all().entrySet().stream()
          .filter(e -> SENT.contains(e.getKey()))
          .forEach(e -> inputs.put(e.getKey(), e.getValue().getBytes(StandardCharsets.UTF_8)));
      for (Map.Entry<String, byte[]> input : inputs.entrySet()) {
        Status status = submitRaw(pw, input.getValue());
        LOG.info("{}: {} {}", input.getKey(), status.getCode(), status.getDescription());
        assertThat(status.getCode()).as(input.getKey() + ": " + status).isIn(REFUSALS);
        assertThat(status.getDescription()).as(input.getKey()).isNotBlank();
      }
      Instant lastRefusal = Instant.now();
      assertThat(listed(pw)).as("builds stored from hostile inputs").isEmpty();
      String id = pw.start(Probe.oneStep("j", ledger.countingStep("ok", 3, "0")));
      int lost = Probe.lost(pw, id, BuildStatus.BUILD_STATUS_SUCCEEDED);
      Duration recovery = Duration.between(lastRefusal, Instant.now());
      Ledger.LineCount lines = Ledger.lines(pw.logText(id, "j"), "ok", 3);
      return Figures.counted(
          "hostile inputs (" + inputs.size() + " kinds)", lost, ledger, lines, recovery);
    }
  }

  /**
   * A workflow whose bytes are not UTF-8 (0xFF 0xFE) is refused with INVALID_ARGUMENT and a
   * description, and nothing is stored.
   */
  static Figures invalidUtf8() throws Exception {
    try (Installation pw = new Installation("utf8")) {
      Status status =
          submitRaw(
              pw,
              "on: push\njobs:\n  a:\n    runs-on: x\n    steps: [{run: \"echo \u00ff\u00fe\"}]\n"
                  .getBytes(StandardCharsets.ISO_8859_1));
      assertThat(status.getCode()).as(status.toString()).isEqualTo(Status.Code.INVALID_ARGUMENT);
      assertThat(status.getDescription()).isNotBlank();
      assertThat(listed(pw)).isEmpty();
      return new Figures(
          "invalid UTF-8 request", 0, 0, 0, 0, 0, Optional.empty(), Optional.empty());
    }
  }

  private static List<Build> listed(Installation pw) {
    return pw.stub
        .listBuilds(ListBuildsRequest.newBuilder().setPipelineId("hostile").build())
        .getBuildsList();
  }

  /**
   * StartPipelineBuild with {@code yaml} as the workflow's bytes, unchecked: the generated client
   * refuses to put bytes that are not UTF-8 into a string field, an attacker's client does not.
   */
  private static Status submitRaw(Installation pw, byte[] yaml) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(yaml.length + 64);
    try {
      CodedOutputStream out = CodedOutputStream.newInstance(bytes);
      out.writeByteArray(StartPipelineBuildRequest.WORKFLOW_YAML_FIELD_NUMBER, yaml);
      out.writeString(StartPipelineBuildRequest.WORKFLOW_PATH_FIELD_NUMBER, "hostile.yml");
      out.writeString(StartPipelineBuildRequest.PIPELINE_ID_FIELD_NUMBER, "hostile");
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    MethodDescriptor<byte[], byte[]> method =
        PipelineServiceGrpc.getStartPipelineBuildMethod().toBuilder(RAW, RAW).build();
    try {
      ClientCalls.blockingUnaryCall(
          pw.stub.getChannel(),
          method,
          pw.stub.getCallOptions().withDeadlineAfter(60, TimeUnit.SECONDS),
          bytes.toByteArray());
      return Status.OK;
    } catch (StatusRuntimeException e) {
      return e.getStatus();
    }
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
