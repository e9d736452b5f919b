package dev.pipewright.bench;

import dev.pipewright.dag.Plan;
import dev.pipewright.dag.Planner;
import dev.pipewright.parser.WorkflowException;
import dev.pipewright.parser.WorkflowParser;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * Times parsing and planning of generated workflows, separately: warm-up rounds, then measured
 * rounds; prints min and median milliseconds. Figures, never assertions. Each phase (warm-up,
 * measurement) stops early once it has used a minute, so a slow parser cannot stall the run; the
 * number of measured rounds is printed.
 *
 * <p>Arguments (all optional): job counts separated by commas (default {@code 10000,100000}),
 * warm-up rounds (default 5), measured rounds (default 10). Each job needs 3 earlier jobs, so
 * 10,000 jobs have about 30,000 needs edges.
 */
public final class PlanBench {
  private static final int NEEDS_PER_JOB = 3;
  private static final int WINDOW = 1_000;
  private static final long SEED = 42;
  private static final long BUDGET_NANOS = 60_000_000_000L;
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  private PlanBench() {}

  public static void main(String[] args) {
    int[] sizes =
        Arrays.stream((args.length > 0 ? args[0] : "10000,100000").split(","))
            .mapToInt(s -> Integer.parseInt(s.trim()))
            .toArray();
    int warmup = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 10;
    System.out.printf(
        "java %s, %d cpus, max heap %d MiB%n",
        Runtime.version(),
        Runtime.getRuntime().availableProcessors(),
        Runtime.getRuntime().maxMemory() >> 20);
    for (int size : sizes) {
      run(size, warmup, rounds);
    }
  }

  private static void run(int size, int warmup, int rounds) {
    WorkflowGenerator.Generated workflow =
        WorkflowGenerator.generate(size, NEEDS_PER_JOB, WINDOW, SEED);
    Planner planner = new Planner();
    Plan plan = planner.plan(workflow.spec());
    System.out.printf(
        "%,d jobs, %,d needs edges, %,d batches, %,d bytes of YAML%n",
        workflow.jobs(), workflow.edges(), plan.batches().size(), workflow.yaml().length());
    WorkflowParser parser = new WorkflowParser();
    try {
      parser.parse(workflow.yaml(), "generated.yml");
      report("parse", time(() -> parser.parse(workflow.yaml(), "generated.yml"), warmup, rounds));
    } catch (WorkflowException e) {
      System.out.println("  parse refused: " + e.getMessage().lines().findFirst().orElse(""));
    }
    // Planning is timed on the generator's spec records, equal to what parsing yields, so the
    // figure does not depend on whether the parser accepts a text this large.
    report("plan ", time(() -> planner.plan(workflow.spec()), warmup, rounds));
  }

  /**
   * Runs {@code warmup} then {@code rounds} timed calls, but stops each phase once it has used
   * {@link #BUDGET_NANOS} (after at least one call), so a slow phase cannot stall the run.
   */
  private static Timings time(Supplier<?> task, int warmup, int rounds) {
    Object sink = null;
    long warmupStart = System.nanoTime();
    for (int i = 0; i < warmup && System.nanoTime() - warmupStart < BUDGET_NANOS; i++) {
      sink = task.get();
    }
    double[] millis = new double[rounds];
    double[] cpuMillis = new double[rounds];
    int done = 0;
    long spent = 0;
    while (done < rounds && (done == 0 || spent < BUDGET_NANOS)) {
      long cpuStart = THREADS.getCurrentThreadCpuTime();
      long start = System.nanoTime();
      sink = task.get();
      long elapsed = System.nanoTime() - start;
      cpuMillis[done] = (THREADS.getCurrentThreadCpuTime() - cpuStart) / 1e6;
      spent += elapsed;
      millis[done++] = elapsed / 1e6;
    }
    if (sink == null) {
      throw new IllegalStateException("the benchmarked task returned nothing");
    }
    return new Timings(sorted(millis, done), sorted(cpuMillis, done));
  }

  /** Wall-clock and this thread's CPU milliseconds, each sorted ascending. */
  private record Timings(double[] wall, double[] cpu) {}

  private static double[] sorted(double[] values, int count) {
    double[] sorted = Arrays.copyOf(values, count);
    Arrays.sort(sorted);
    return sorted;
  }

  private static double median(double[] sorted) {
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }

  /**
   * Prints wall-clock and CPU time: on a shared, overloaded machine the wall clock includes time
   * spent waiting for a core, the thread's CPU time does not.
   */
  private static void report(String what, Timings t) {
    System.out.printf(
        Locale.ROOT,
        "  %s wall min %9.2f ms median %9.2f ms | cpu min %9.2f ms median %9.2f ms (%d rounds)%n",
        what,
        t.wall()[0],
        median(t.wall()),
        t.cpu()[0],
        median(t.cpu()),
        t.wall().length);
  }
}
