package dev.pipewright.bench;

import dev.pipewright.executor.JobRef;
import dev.pipewright.executor.JobResult;
import dev.pipewright.executor.JobRun;
import dev.pipewright.executor.LogChunk;
import dev.pipewright.executor.LogSink;
import dev.pipewright.executor.RunObserver;
import dev.pipewright.executor.engine.EngineJobRunner;
import dev.pipewright.executor.engine.EngineSettings;
import dev.pipewright.kubernetes.MockApi;
import dev.pipewright.kubernetes.it.FakeKubelet;
import dev.pipewright.kubernetes.pod.PodHostFactory;
import dev.pipewright.kubernetes.runner.KubernetesRunnerConfig;
import dev.pipewright.models.JobStatus;
import dev.pipewright.parser.WorkflowParser;
import dev.pipewright.parser.spec.WorkflowSpec;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The pod host's cost on the worker, against Fabric8's mock API server with the tests' fake kubelet
 * (each pod's agent a local {@code /bin/sh}): builds of one-step jobs run through the job engine,
 * {@code jobs} at a time. Prints the CPU of the worker's job threads per job (the engine and the
 * pod host: Job creation, waiting for the agent, polling the log and exit files; not the mock
 * server or the fake kubelet, which share this JVM), the whole JVM's CPU per job beside it, API
 * writes per job, and how late a printed line reached the log sink (each step prints its own clock
 * every 100 ms). Asserts nothing.
 *
 * <p>Arguments: {@code [jobs=40] [parallel=8] [pollMs=200]}.
 */
public final class PodHostBench {
  private static final Pattern STAMP = Pattern.compile("t=(\\d+)");

  private PodHostBench() {}

  public static void main(String[] args) throws Exception {
    int jobs = args.length > 0 ? Integer.parseInt(args[0]) : 40;
    int parallel = args.length > 1 ? Integer.parseInt(args[1]) : 8;
    Duration poll = Duration.ofMillis(args.length > 2 ? Long.parseLong(args[2]) : 200);
    PrintStream out = System.out;
    WorkflowSpec workflow =
        new WorkflowParser()
            .parse(
                """
                on: push
                jobs:
                  job:
                    runs-on: ubuntu-latest
                    steps:
                      - run: for i in 1 2 3 4 5 6 7 8 9 10; do echo "t=$(date +%s%N)"; sleep 0.1; done
                """,
                "bench.yml");
    KubernetesRunnerConfig config =
        new KubernetesRunnerConfig(
            "bench",
            "bench",
            "workspace",
            "debian:bookworm-slim",
            Map.of(),
            Duration.ofHours(1),
            1001,
            null,
            null,
            null,
            null,
            poll,
            null);
    List<Long> lateness = Collections.synchronizedList(new ArrayList<>());
    LogSink sink =
        (LogChunk chunk) -> {
          long now = System.currentTimeMillis() * 1_000_000L;
          Matcher m = STAMP.matcher(chunk.content());
          while (m.find()) {
            lateness.add(now - Long.parseLong(m.group(1)));
          }
        };
    Path volume = Files.createTempDirectory("pw-podhost-bench-");
    AtomicLong writes = new AtomicLong();
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    try (MockApi api = new MockApi();
        KubernetesClient client = api.client(writes);
        KubernetesClient kubeletClient = api.client();
        FakeKubelet kubelet = new FakeKubelet(kubeletClient, "bench", volume);
        EngineJobRunner runner =
            new EngineJobRunner(
                "kubernetes",
                EngineSettings.defaults("bench"),
                parallel,
                new PodHostFactory(client, config, volume, "bench"),
                sink)) {
      run(runner, workflow, parallel); // warm-up: class loading, connections
      lateness.clear();
      writes.set(0);
      long jobThreadCpu = jobThreadCpu(threads);
      long jvmCpu = jvmCpu();
      long started = System.nanoTime();
      List<JobResult> results = run(runner, workflow, jobs);
      double seconds = (System.nanoTime() - started) / 1e9;
      double jobCpuMs = (jobThreadCpu(threads) - jobThreadCpu) / 1e6 / jobs;
      double jvmCpuMs = (jvmCpu() - jvmCpu) / 1e6 / jobs;
      long failed = results.stream().filter(r -> r.status() != JobStatus.SUCCEEDED).count();
      List<Long> sorted = new ArrayList<>(lateness);
      Collections.sort(sorted);
      out.printf(
          Locale.ROOT,
          "PodHostBench: %d one-step jobs (10 lines, 1 s each), %d at a time, poll %d ms:"
              + " %.2f s, %d not SUCCEEDED%n",
          jobs,
          parallel,
          poll.toMillis(),
          seconds,
          failed);
      out.printf(Locale.ROOT, "  worker job-thread CPU per job: %.1f ms%n", jobCpuMs);
      out.printf(
          Locale.ROOT,
          "  whole JVM CPU per job (mock server, fake kubelet too): %.1f ms%n",
          jvmCpuMs);
      out.printf(Locale.ROOT, "  API writes per job: %.2f%n", writes.get() / (double) jobs);
      out.printf(
          Locale.ROOT,
          "  line printed -> log sink: p50 %d ms, p99 %d ms, max %d ms (%d lines)%n",
          percentile(sorted, 0.5),
          percentile(sorted, 0.99),
          percentile(sorted, 1.0),
          sorted.size());
    }
  }

  private static List<JobResult> run(EngineJobRunner runner, WorkflowSpec workflow, int jobs)
      throws InterruptedException {
    String buildId = UUID.randomUUID().toString();
    CountDownLatch done = new CountDownLatch(jobs);
    List<JobResult> results = Collections.synchronizedList(new ArrayList<>());
    RunObserver observer =
        new RunObserver() {
          @Override
          public void jobFinished(JobRef job, JobResult result) {
            results.add(result);
            done.countDown();
          }
        };
    for (int j = 0; j < jobs; j++) {
      runner.start(
          JobRun.builder(new JobRef(buildId, "job" + j), workflow, workflow.job("job")).build(),
          observer);
    }
    if (!done.await(10, java.util.concurrent.TimeUnit.MINUTES)) {
      throw new IllegalStateException(done.getCount() + " jobs still running after 10 min");
    }
    runner.releaseBuild(buildId);
    return results;
  }

  /** CPU of the engine's job threads, alive or ended (ended ones are counted as they end). */
  private static long jobThreadCpu(ThreadMXBean threads) {
    long total = 0;
    for (var info : threads.getThreadInfo(threads.getAllThreadIds())) {
      if (info != null && info.getThreadName().startsWith("pipewright-kubernetes-job-")) {
        total += Math.max(0, threads.getThreadCpuTime(info.getThreadId()));
      }
    }
    return total;
  }

  private static long jvmCpu() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  private static long percentile(List<Long> sortedNanos, double p) {
    if (sortedNanos.isEmpty()) {
      return -1;
    }
    int i = (int) Math.min(sortedNanos.size() - 1, Math.ceil(p * sortedNanos.size()) - 1);
    return sortedNanos.get(Math.max(0, i)) / 1_000_000;
  }
}
