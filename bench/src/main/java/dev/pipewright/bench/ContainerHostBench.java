package dev.pipewright.bench;

import dev.pipewright.executor.InMemoryLogSink;
import dev.pipewright.executor.JobRef;
import dev.pipewright.executor.JobResult;
import dev.pipewright.executor.JobRun;
import dev.pipewright.executor.RunObserver;
import dev.pipewright.executor.host.container.ResourceLimits;
import dev.pipewright.executor.local.LocalJobRunner;
import dev.pipewright.executor.local.LocalRunnerConfig;
import dev.pipewright.models.JobStatus;
import dev.pipewright.parser.WorkflowParser;
import dev.pipewright.parser.spec.WorkflowSpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The container host's cost: a 1-step job ({@code run: true}) in a container through the local
 * runner, from its start to its reported end (its container started, the step exec'd, the container
 * removed), against {@code podman run --rm IMAGE true} of the same image with the same limits, one
 * at a time, after warm-up rounds. Prints the median and 90th percentile of each and the median
 * overhead. Figures, never assertions.
 *
 * <p>Needs podman and the tests' image ({@code images/build-test-image}, which it runs). Arguments
 * (optional): measured rounds (default 20), warm-up rounds (default 3).
 */
public final class ContainerHostBench {
  private static final String IMAGE = "localhost/pipewright-test-busybox:1";
  private static final String WORKFLOW =
      """
      on: push
      jobs:
        one:
          runs-on: ubuntu-latest
          container: %s
          steps:
            - run: "true"
      """
          .formatted(IMAGE);

  private ContainerHostBench() {}

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 20;
    int warmup = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    exec(List.of(repositoryRoot().resolve("images/build-test-image").toString()));
    System.out.printf(
        "java %s, %d cpus, %s, image %s%n",
        Runtime.version(),
        Runtime.getRuntime().availableProcessors(),
        exec(List.of("podman", "--version")).strip(),
        IMAGE);

    List<String> run = new ArrayList<>(List.of("podman", "run", "--rm"));
    run.addAll(ResourceLimits.ofWorker().podmanArguments());
    run.addAll(List.of(IMAGE, "true"));
    System.out.println(String.join(" ", run));
    double[] podmanRun =
        time(
            rounds,
            warmup,
            () -> {
              exec(run);
              return -1;
            });
    report("podman run --rm ... true", podmanRun);

    Path root = Files.createTempDirectory("pipewright-container-bench");
    WorkflowSpec wf = new WorkflowParser().parse(WORKFLOW, "bench.yml");
    int[] n = {0};
    try (LocalJobRunner runner =
        new LocalJobRunner(LocalRunnerConfig.defaults(root), new InMemoryLogSink())) {
      double[] job =
          time(
              rounds,
              warmup,
              () -> {
                JobRun r =
                    JobRun.builder(new JobRef("bench" + ++n[0], "one"), wf, wf.job("one")).build();
                CompletableFuture<JobResult> done = new CompletableFuture<>();
                long start = System.nanoTime();
                runner.start(
                    r,
                    new RunObserver() {
                      @Override
                      public void jobFinished(JobRef job, JobResult result) {
                        done.complete(result);
                      }
                    });
                JobResult result = done.get(5, TimeUnit.MINUTES);
                long took = System.nanoTime() - start;
                if (result.status() != JobStatus.SUCCEEDED) {
                  throw new IllegalStateException("the job failed: " + result);
                }
                // Not timed: the job is over (its container removed) when it reports its end.
                runner.releaseBuild(r.buildId());
                return took;
              });
      report("1-step job on the container host", job);
      System.out.printf(
          Locale.ROOT,
          "overhead of the job over podman run: %.0f ms (median)%n",
          median(job) - median(podmanRun));
    }
  }

  private interface Action {
    /** Does one round; returns its nanoseconds, or -1 to time the whole call. */
    long run() throws Exception;
  }

  /** Milliseconds of each measured round. */
  private static double[] time(int rounds, int warmup, Action action) throws Exception {
    for (int i = 0; i < warmup; i++) {
      action.run();
    }
    double[] ms = new double[rounds];
    for (int i = 0; i < rounds; i++) {
      long start = System.nanoTime();
      long own = action.run();
      ms[i] = (own >= 0 ? own : System.nanoTime() - start) / 1e6;
    }
    Arrays.sort(ms);
    return ms;
  }

  private static double median(double[] sorted) {
    return sorted[sorted.length / 2];
  }

  private static void report(String what, double[] sorted) {
    System.out.printf(
        Locale.ROOT,
        "%-34s median %6.0f ms  p90 %6.0f ms  min %6.0f ms  (%d rounds)%n",
        what,
        median(sorted),
        sorted[(int) Math.min(sorted.length - 1, Math.round(sorted.length * 0.9))],
        sorted[0],
        sorted.length);
  }

  private static String exec(List<String> argv) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.waitFor() != 0) {
      throw new IOException(String.join(" ", argv) + " failed: " + out.strip());
    }
    return out;
  }

  private static Path repositoryRoot() throws IOException {
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      if (Files.isRegularFile(p.resolve("images/build-test-image"))) {
        return p;
      }
    }
    throw new IOException("run from inside the repository: no images/build-test-image above here");
  }
}
