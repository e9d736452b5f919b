package dev.pipewright.entryapi;

import static dev.pipewright.store.jooq.Tables.BUILDS;

import dev.pipewright.api.ci.v1.PipelineServiceGrpc;
import dev.pipewright.api.ci.v1.StartPipelineBuildRequest;
import dev.pipewright.auth.Role;
import dev.pipewright.queue.QueueNames;
import dev.pipewright.queue.QueueSettings;
import dev.pipewright.store.ApiTokenRepository;
import dev.pipewright.store.Database;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Admission throughput: {@code clients} threads call StartPipelineBuild over a real gRPC port as
 * fast as they can; prints builds/s from the first call until every build is QUEUED (published and
 * confirmed by RabbitMQ) and the p50/p99 call latency. A figure, never an assertion.
 *
 * <p>Args: {@code [builds=5000] [clients=32] [pipelines=32]}; with {@code pipelines=1} every call
 * contends for one pipeline's build counter.
 */
public final class AdmissionBench {
  private static final Logger log = LoggerFactory.getLogger(AdmissionBench.class);

  private AdmissionBench() {}

  public static void main(String[] args) throws Exception {
    int builds = args.length > 0 ? Integer.parseInt(args[0]) : 5000;
    int clients = args.length > 1 ? Integer.parseInt(args[1]) : 32;
    int pipelines = args.length > 2 ? Integer.parseInt(args[2]) : 32;
    String databaseName = "pw_bench_" + UUID.randomUUID().toString().replace("-", "");
    String url = ApiFixture.POSTGRES + databaseName;
    String prefix = "pwbench-" + UUID.randomUUID();
    EntryApiConfig config =
        EntryApiConfig.defaults()
            .withPorts(0, 0)
            .withDatabase(url)
            .withQueue(QueueSettings.DEFAULT_URI, prefix);
    try (EntryApi api = new EntryApi(config).start();
        Database database = Database.open(url, "postgres", "")) {
      ManagedChannel channel =
          ManagedChannelBuilder.forAddress("127.0.0.1", api.grpcPort()).usePlaintext().build();
      // Authentication is part of every admission's cost: a token lookup per call.
      var stub =
          PipelineServiceGrpc.newBlockingStub(channel)
              .withInterceptors(
                  ApiFixture.bearer(
                      new ApiTokenRepository(database.dsl()).create("bench", Role.SUBMIT)));
      String run = UUID.randomUUID().toString();
      // Warm-up: JIT, connection pools, the broker channel.
      call(stub, Math.min(500, builds), clients, pipelines, "warmup-" + run);
      awaitQueued(database, Math.min(500, builds));

      String loadBefore = loadAverage();
      long cpuBefore = processCpuNanos();
      long start = System.nanoTime();
      long[] latencies = call(stub, builds, clients, pipelines, run);
      long called = System.nanoTime();
      awaitQueued(database, Math.min(500, builds) + builds);
      long queued = System.nanoTime();
      long cpu = processCpuNanos() - cpuBefore;
      channel.shutdownNow();

      Arrays.sort(latencies);
      log.info(
          "admission: {} builds, {} clients, {} pipelines: {} builds/s call-to-QUEUED, {} calls/s;"
              + " latency p50 {} ms, p99 {} ms, max {} ms; this JVM (clients and server) {} ms CPU"
              + " per build; load average {} before, {} after (2 cores shared)",
          builds,
          clients,
          pipelines,
          String.format("%.0f", builds / seconds(queued - start)),
          String.format("%.0f", builds / seconds(called - start)),
          millis(latencies[latencies.length / 2]),
          millis(latencies[(int) (latencies.length * 0.99)]),
          millis(latencies[latencies.length - 1]),
          String.format("%.2f", cpu / 1e6 / builds),
          loadBefore,
          loadAverage());
    } finally {
      Database.dropIfExists(url, "postgres", "");
      ApiFixture.deleteQueues(QueueNames.withPrefix(prefix));
    }
  }

  private static long[] call(
      PipelineServiceGrpc.PipelineServiceBlockingStub stub,
      int builds,
      int clients,
      int pipelines,
      String run)
      throws Exception {
    long[] latencies = new long[builds];
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int c = 0; c < clients; c++) {
        int client = c;
        futures.add(
            pool.submit(
                () -> {
                  for (int i = client; i < builds; i += clients) {
                    StartPipelineBuildRequest request =
                        StartPipelineBuildRequest.newBuilder()
                            .setPipelineId(run + "-" + (i % pipelines))
                            .setWorkflowYaml(RequestsTest.WORKFLOW)
                            .build();
                    long t0 = System.nanoTime();
                    stub.startPipelineBuild(request);
                    latencies[i] = System.nanoTime() - t0;
                  }
                }));
      }
      for (Future<?> f : futures) {
        f.get();
      }
    } finally {
      pool.shutdown();
      pool.awaitTermination(1, TimeUnit.MINUTES);
    }
    return latencies;
  }

  private static void awaitQueued(Database database, int expected) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
    while (database.dsl().fetchCount(BUILDS, BUILDS.STATUS.eq("QUEUED")) < expected) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("builds not queued within 2 minutes");
      }
      TimeUnit.MILLISECONDS.sleep(5);
    }
  }

  /** The machine's 1-minute load average: the figures depend on what else runs. */
  private static String loadAverage() {
    return String.format(
        "%.1f", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
  }

  private static long processCpuNanos() {
    return ManagementFactory.getOperatingSystemMXBean()
            instanceof com.sun.management.OperatingSystemMXBean os
        ? os.getProcessCpuTime()
        : 0;
  }

  private static double seconds(long nanos) {
    return nanos / 1e9;
  }

  private static String millis(long nanos) {
    return String.format("%.1f", nanos / 1e6);
  }
}
