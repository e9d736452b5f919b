package dev.pipewright.bench;

import dev.pipewright.api.ci.v1.PipelineServiceGrpc;
import dev.pipewright.api.ci.v1.StartPipelineBuildRequest;
import dev.pipewright.faults.HostileWorkflows;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * The client side of {@link HostileInputBench}, run in its own JVM so the 10-50 MB requests it
 * serializes are not counted as the entry API's memory: sends {@code requests} StartPipelineBuild
 * calls at once, cycling through {@link HostileWorkflows}, and prints per kind how they were
 * answered.
 *
 * <p>Arguments: the entry API's gRPC port, the number of requests; the API token in {@value
 * #TOKEN_ENV}.
 */
public final class HostileClient {
  static final String TOKEN_ENV = "PIPEWRIGHT_TOKEN";

  private HostileClient() {}

  /** {@code stub} sending {@code token} as {@code authorization: Bearer}. */
  static PipelineServiceGrpc.PipelineServiceBlockingStub authenticated(
      PipelineServiceGrpc.PipelineServiceBlockingStub stub, String token) {
    Metadata headers = new Metadata();
    headers.put(
        Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
    return stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
  }

  public static void main(String[] args) throws Exception {
    int port = Integer.parseInt(args[0]);
    int requests = Integer.parseInt(args[1]);
    List<Map.Entry<String, String>> kinds = new ArrayList<>(HostileWorkflows.all().entrySet());
    ManagedChannel channel =
        ManagedChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
    ExecutorService pool = Executors.newFixedThreadPool(requests);
    try {
      var stub =
          authenticated(PipelineServiceGrpc.newBlockingStub(channel), System.getenv(TOKEN_ENV));
      CountDownLatch go = new CountDownLatch(1);
      List<Future<String>> answers = new ArrayList<>();
      for (int i = 0; i < requests; i++) {
        StartPipelineBuildRequest request =
            request("hostile", kinds.get(i % kinds.size()).getValue());
        answers.add(
            pool.submit(
                () -> {
                  go.await();
                  return answer(stub, request);
                }));
      }
      long start = System.nanoTime();
      go.countDown();
      Map<String, Map<String, Integer>> counts = new TreeMap<>();
      for (int i = 0; i < requests; i++) {
        counts
            .computeIfAbsent(kinds.get(i % kinds.size()).getKey(), k -> new TreeMap<>())
            .merge(answers.get(i).get(), 1, Integer::sum);
      }
      System.out.printf(
          Locale.ROOT,
          "%d concurrent StartPipelineBuild calls of %d kinds, all answered in %d ms:%n",
          requests,
          kinds.size(),
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
      counts.forEach((kind, byStatus) -> System.out.printf("  %-28s %s%n", kind, byStatus));
    } finally {
      pool.shutdownNow();
      channel.shutdownNow();
    }
  }

  static StartPipelineBuildRequest request(String pipeline, String yaml) {
    return StartPipelineBuildRequest.newBuilder()
        .setPipelineId(pipeline)
        .setWorkflowPath("hostile.yml")
        .setWorkflowYaml(yaml)
        .build();
  }

  /** The build's status, or the status code the call failed with. */
  static String answer(
      PipelineServiceGrpc.PipelineServiceBlockingStub stub, StartPipelineBuildRequest request) {
    try {
      return stub.startPipelineBuild(request).getStatus().name();
    } catch (StatusRuntimeException e) {
      return e.getStatus().getCode().name();
    }
  }
}
