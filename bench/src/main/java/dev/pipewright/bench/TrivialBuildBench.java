package dev.pipewright.bench;

import dev.pipewright.api.ci.v1.Build;
import dev.pipewright.api.ci.v1.BuildStatus;
import dev.pipewright.api.ci.v1.GetBuildLogsRequest;
import dev.pipewright.api.ci.v1.GetBuildLogsResponse;
import dev.pipewright.api.ci.v1.GetBuildRequest;
import dev.pipewright.api.ci.v1.LogChunk;
import dev.pipewright.api.ci.v1.Step;
import dev.pipewright.e2e.Installation;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Figures, printed and never asserted: the overhead of a trivial build from the gRPC call to
 * SUCCEEDED seen by GetBuild, sustained trivial builds per second, and log ingest and retrieval.
 * Runs the services in-process on the machine's PostgreSQL and RabbitMQ with the worker's default
 * timing.
 *
 * <p>Arguments (see README.md): builds for the latency run (500), seconds of the throughput run
 * (120), megabytes of log output (1024), clients of the throughput run (64), and their GetBuild
 * poll interval in ms (100).
 */
public final class TrivialBuildBench {
  private static final PrintStream OUT = System.out;
  private static final Duration WARM_UP = Duration.ofSeconds(30);

  /** GetBuild calls of the clients: a poll's CPU is a share of each build's. */
  private static final AtomicLong GET_BUILD_CALLS = new AtomicLong();

  /** One job of one {@code true} step; also what AdmissionBench admits. */
  static final String TRIVIAL =
      """
      on: push
      jobs:
        t:
          runs-on: ubuntu-latest
          steps:
            - run: "true"
      """;

  /** Between the client's call, the stored timestamps of the build, and the client seeing it. */
  private static final String[] PHASES = {
    "call->created",
    "created->queued",
    "queued->running",
    "running->job started",
    "job->step started",
    "step",
    "step->job finished",
    "job->build finished",
    "finished->seen"
  };

  private TrivialBuildBench() {}

  private static long millis(com.google.protobuf.Timestamp t) {
    return t.getSeconds() * 1000 + t.getNanos() / 1_000_000;
  }

  public static void main(String[] args) throws Exception {
    int builds = args.length > 0 ? Integer.parseInt(args[0]) : 500;
    int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 120;
    int megabytes = args.length > 2 ? Integer.parseInt(args[2]) : 1024;
    // Clients of the throughput run, and how often each polls GetBuild.
    int clients = args.length > 3 ? Integer.parseInt(args[3]) : 64;
    long pollMillis = args.length > 4 ? Long.parseLong(args[4]) : 100;
    try (Installation pw = new Installation("bench")) {
      // Log limits above the log run's output, so it measures storing all of it.
      String logLimit = (megabytes + 1) + "MiB";
      pw.startWorker(
          pw.workerConfig(
              "bench",
              Map.of(
                  "PIPEWRIGHT_WORKER_BUILDS", "32",
                  "PIPEWRIGHT_STEP_LOG_LIMIT", logLimit,
                  "PIPEWRIGHT_BUILD_LOG_LIMIT", logLimit)));
      floor();
      latency(pw, builds);
      throughput(pw, Duration.ofSeconds(seconds), clients, pollMillis);
      logs(pw, megabytes);
    }
    System.exit(0);
  }

  /** The floor: starting {@code bash -c true} directly. */
  private static void floor() throws IOException, InterruptedException {
    long[] nanos = new long[100];
    for (int i = 0; i < nanos.length; i++) {
      long t0 = System.nanoTime();
      new ProcessBuilder("bash", "-c", "true").start().waitFor();
      nanos[i] = System.nanoTime() - t0;
    }
    OUT.printf(
        "floor: bash -c true p50 %.1f ms, p99 %.1f ms (100 runs)%n", p(nanos, 50), p(nanos, 99));
  }

  private static void latency(Installation pw, int builds) {
    for (int i = 0; i < 20; i++) {
      runOne(pw, 1); // warm-up: class loading, JIT, connection pools
    }
    long[] nanos = new long[builds];
    long[][] phases = new long[PHASES.length][builds];
    for (int i = 0; i < builds; i++) {
      long t0 = System.currentTimeMillis();
      String[] id = new String[1];
      nanos[i] = runOne(pw, 1, id);
      long seen = System.currentTimeMillis();
      Build b = pw.get(id[0]);
      var job = b.getJobs(0);
      var step = job.getSteps(0);
      long[] marks = {
        t0,
        millis(b.getCreateTime()),
        millis(b.getQueueTime()),
        millis(b.getStartTime()),
        millis(job.getStartTime()),
        millis(step.getStartTime()),
        millis(step.getFinishTime()),
        millis(job.getFinishTime()),
        millis(b.getFinishTime()),
        seen
      };
      for (int k = 0; k < PHASES.length; k++) {
        phases[k][i] = (marks[k + 1] - marks[k]) * 1_000_000L;
      }
    }
    StringBuilder breakdown = new StringBuilder("  where the time goes (p50 per phase, ms):");
    for (int k = 0; k < PHASES.length; k++) {
      breakdown.append(String.format(" %s %.0f,", PHASES[k], p(phases[k], 50)));
    }
    OUT.println(breakdown.substring(0, breakdown.length() - 1));
    OUT.printf(
        "trivial build, StartPipelineBuild -> SUCCEEDED via GetBuild: p50 %.1f ms, p99 %.1f ms,"
            + " max %.1f ms (%d sequential builds, GetBuild polled every 1 ms)%n",
        p(nanos, 50), p(nanos, 99), p(nanos, 100), builds);
  }

  /** Nanoseconds from the start call to a GetBuild that shows SUCCEEDED. */
  private static long runOne(Installation pw, long pollMillis) {
    return runOne(pw, pollMillis, new String[1]);
  }

  private static long runOne(Installation pw, long pollMillis, String[] started) {
    long t0 = System.nanoTime();
    String id = pw.start(TRIVIAL);
    started[0] = id;
    GetBuildRequest get = GetBuildRequest.newBuilder().setBuildId(id).build();
    while (true) {
      GET_BUILD_CALLS.incrementAndGet();
      Build b = pw.stub.getBuild(get);
      if (Installation.terminal(b.getStatus())) {
        if (b.getStatus() != BuildStatus.BUILD_STATUS_SUCCEEDED) {
          throw new IllegalStateException("trivial build " + id + " ended " + b.getStatus());
        }
        return System.nanoTime() - t0;
      }
      try {
        Thread.sleep(pollMillis);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
  }

  /**
   * Clients keep one build each in flight. The first {@link #WARM_UP} runs the same load uncounted:
   * the figure is the steady state of a running service, not of a JVM still compiling its hot paths
   * (which doubled the CPU per build in the first minute).
   */
  private static void throughput(Installation pw, Duration length, int clients, long pollMillis)
      throws InterruptedException {
    AtomicLong done = new AtomicLong();
    long start = System.nanoTime();
    long end = start + WARM_UP.toNanos() + length.toNanos();
    ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
    for (int i = 0; i < clients; i++) {
      pool.submit(
          () -> {
            while (System.nanoTime() < end) {
              runOne(pw, pollMillis);
              done.incrementAndGet();
            }
            return null;
          });
    }
    pool.shutdown();
    if (pool.awaitTermination(WARM_UP.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new IllegalStateException("the clients stopped during the warm-up");
    }
    long counted0 = done.get();
    String database = pw.databaseUrl.substring(pw.databaseUrl.lastIndexOf('/') + 1);
    long calls0 = GET_BUILD_CALLS.get();
    long postgres0 = ProcessCpu.ofBackends(database);
    long[] cpu0 = ProcessCpu.now();
    long t0 = System.nanoTime();
    // Builds still in flight at the end finish after it and are not counted.
    pool.awaitTermination(Math.max(0, end - t0), TimeUnit.NANOSECONDS);
    long counted = done.get() - counted0;
    long[] cpu1 = ProcessCpu.now();
    long postgres1 = ProcessCpu.ofBackends(database);
    long calls = GET_BUILD_CALLS.get() - calls0;
    double seconds = (System.nanoTime() - t0) / 1e9;
    pool.awaitTermination(120, TimeUnit.SECONDS);
    OUT.printf(
        "sustained: %d trivial builds in %.0f s = %.1f builds/s, after %d s of the same load"
            + " uncounted (%d clients, each submits and polls GetBuild every %d ms until it ends);"
            + " CPU per build: this JVM (clients, entry API, worker) %.1f ms, step processes"
            + " %.1f ms, PostgreSQL %s ms; %.1f GetBuild calls per build%n",
        counted,
        seconds,
        counted / seconds,
        WARM_UP.toSeconds(),
        clients,
        pollMillis,
        (cpu1[0] - cpu0[0]) / 1e6 / counted,
        (cpu1[1] - cpu0[1]) / 1e6 / counted,
        postgres0 < 0 || postgres1 < 0
            ? "n/a (not on this machine)"
            : String.format(Locale.ROOT, "%.1f", (postgres1 - postgres0) / 1e6 / counted),
        (double) calls / counted);
  }

  private static void logs(Installation pw, int megabytes) {
    // 100-byte lines: 99 characters and a newline.
    long lines = megabytes * 1_000_000L / 100;
    String id =
        pw.start(
            """
            on: push
            jobs:
              loud:
                runs-on: ubuntu-latest
                timeout-minutes: 60
                steps:
                  - run: yes "%s" | head -n %d
            """
                .formatted("x".repeat(90) + " line ...", lines));
    long t0 = System.nanoTime();
    Build build = pw.awaitEnd(id, Duration.ofHours(1));
    double total = (System.nanoTime() - t0) / 1e9;
    Step step = Installation.job(build, "loud").getSteps(0);
    double stepSeconds =
        Duration.between(instant(step.getStartTime()), instant(step.getFinishTime())).toNanos()
            / 1e9;
    OUT.printf(
        "log ingest: %d MB, %d lines in %.1f s (step) / %.1f s (build): %.1f MB/s, %.0f lines/s"
            + " stored (%s)%n",
        megabytes,
        lines,
        stepSeconds,
        total,
        megabytes / stepSeconds,
        lines / stepSeconds,
        build.getStatus());

    long want = Math.min(1_000_000L, lines);
    long got = 0;
    long chunks = 0;
    long r0 = System.nanoTime();
    Iterator<GetBuildLogsResponse> it =
        pw.stub.getBuildLogs(
            GetBuildLogsRequest.newBuilder()
                .setBuildId(id)
                .setJobKey("loud")
                .setStepNumber(1)
                .build());
    while (it.hasNext() && got < want) {
      for (LogChunk chunk : it.next().getChunksList()) {
        got += chunk.getContent().chars().filter(ch -> ch == '\n').count();
        chunks++;
      }
    }
    double read = (System.nanoTime() - r0) / 1e9;
    OUT.printf(
        "log retrieval: %d lines (%d chunks) through GetBuildLogs in %.2f s = %.0f lines/s%n",
        got, chunks, read, got / read);
  }

  private static Instant instant(com.google.protobuf.Timestamp t) {
    return Instant.ofEpochSecond(t.getSeconds(), t.getNanos());
  }

  private static double p(long[] nanos, int percentile) {
    long[] sorted = nanos.clone();
    Arrays.sort(sorted);
    int index = (int) Math.ceil(percentile / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, index))] / 1e6;
  }
}
