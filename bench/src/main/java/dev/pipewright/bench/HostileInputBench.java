package dev.pipewright.bench;

import dev.pipewright.api.ci.v1.PipelineServiceGrpc;
import dev.pipewright.auth.Role;
import dev.pipewright.entryapi.EntryApi;
import dev.pipewright.entryapi.EntryApiConfig;
import dev.pipewright.queue.QueueSettings;
import dev.pipewright.store.ApiTokenRepository;
import dev.pipewright.store.Database;
import dev.pipewright.store.ScratchDatabases;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Memory of the entry API under hostile workflows: starts it in this JVM on a real gRPC port
 * against the machine's PostgreSQL (a throw-away database) and RabbitMQ, has {@link HostileClient}
 * send {@code requests} StartPipelineBuild calls at once from another JVM (so the large requests it
 * builds are not counted here) with a submit token (the parser is what is measured, not the refusal
 * of anonymous calls), and prints this process's RSS and heap before, at peak and after. Figures,
 * never assertions: the client prints how each kind was answered.
 *
 * <p>Argument (optional): the number of concurrent requests, default 60. JVM options (such as
 * {@code -Xmx128m}, the heap a 512 MiB container gives) apply to the API's JVM only, which is why
 * it runs in a JVM of its own rather than Maven's (the command is in README.md).
 */
public final class HostileInputBench {
  /**
   * One set of queues for every run, so runs leave no queues behind; no build is ever admitted, so
   * nothing is published to them.
   */
  private static final String QUEUE_PREFIX = "pwbench-hostile";

  /** Warms the parsing path up and shows it still answers after the burst: one small mistake. */
  private static final String SMALL_MISTAKE =
      "on: push\njobs:\n  build:\n    needs: nope\n    runs-on: x\n    steps:\n      - run: hi\n";

  private HostileInputBench() {}

  public static void main(String[] args) throws Exception {
    int requests = args.length > 0 ? Integer.parseInt(args[0]) : 60;
    String url = ScratchDatabases.uniqueUrl();
    EntryApiConfig config =
        EntryApiConfig.defaults()
            .withPorts(0, 0)
            .withDatabase(url)
            .withQueue(QueueSettings.DEFAULT_URI, QUEUE_PREFIX);
    try (EntryApi api = new EntryApi(config).start()) {
      String token = submitToken(url);
      ManagedChannel channel =
          ManagedChannelBuilder.forAddress("127.0.0.1", api.grpcPort()).usePlaintext().build();
      var stub = HostileClient.authenticated(PipelineServiceGrpc.newBlockingStub(channel), token);
      HostileClient.answer(stub, HostileClient.request("warm-up", SMALL_MISTAKE));
      Memory before = Memory.now();

      int exit = client(api.grpcPort(), requests, token);
      long start = System.nanoTime();
      String small = HostileClient.answer(stub, HostileClient.request("after", SMALL_MISTAKE));
      long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      Memory after = Memory.now();
      channel.shutdownNow();

      System.out.printf(
          Locale.ROOT,
          "client exit %d; a small invalid workflow afterwards: %s in %d ms%n",
          exit,
          small,
          millis);
      System.out.printf(
          Locale.ROOT,
          "entry API JVM (max heap %d MiB, %d cpus): RSS before %d MiB, peak %d MiB, after %d MiB;"
              + " heap in use after GC before %d MiB, after %d MiB%n",
          Runtime.getRuntime().maxMemory() >> 20,
          Runtime.getRuntime().availableProcessors(),
          before.rss(),
          after.peakRss(),
          after.rss(),
          before.heap(),
          after.heap());
    } finally {
      ScratchDatabases.drop(url, ScratchDatabases.USER, ScratchDatabases.PASSWORD);
    }
  }

  private static String submitToken(String url) {
    try (Database db = Database.open(url, "postgres", "", 1)) {
      return new ApiTokenRepository(db.dsl()).create("bench", Role.SUBMIT).token().reveal();
    }
  }

  /**
   * Runs {@link HostileClient} in a JVM of its own, its output on ours, the token in its
   * environment (not on a command line); its exit code.
   */
  private static int client(int port, int requests, String token)
      throws IOException, InterruptedException {
    String java = ProcessHandle.current().info().command().orElse("java");
    ProcessBuilder builder =
        new ProcessBuilder(
                List.of(
                    java,
                    "-cp",
                    System.getProperty("java.class.path"),
                    HostileClient.class.getName(),
                    Integer.toString(port),
                    Integer.toString(requests)))
            .inheritIO();
    builder.environment().put(HostileClient.TOKEN_ENV, token);
    Process process = builder.start();
    return process.waitFor();
  }

  /** The process's resident memory now and at its peak, and the heap in use after a GC, in MiB. */
  private record Memory(long rss, long peakRss, long heap) {
    static Memory now() throws IOException {
      System.gc();
      long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() >> 20;
      long rss = 0;
      long peak = 0;
      // Linux: VmRSS is resident now, VmHWM the highest it has been.
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmRSS:")) {
          rss = kibibytes(line) >> 10;
        } else if (line.startsWith("VmHWM:")) {
          peak = kibibytes(line) >> 10;
        }
      }
      return new Memory(rss, peak, heap);
    }

    private static long kibibytes(String line) {
      return Long.parseLong(line.replaceAll("\\D", ""));
    }
  }
}
