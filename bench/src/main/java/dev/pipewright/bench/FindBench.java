package dev.pipewright.bench;

import dev.pipewright.models.BuildStatus;
import dev.pipewright.models.JobStatus;
import dev.pipewright.models.StepStatus;
import dev.pipewright.store.BuildRepository;
import dev.pipewright.store.BuildView;
import dev.pipewright.store.Database;
import dev.pipewright.store.JobRepository;
import dev.pipewright.store.NewBuild;
import dev.pipewright.store.NewJob;
import dev.pipewright.store.NewStep;
import dev.pipewright.store.ScratchDatabases;
import dev.pipewright.store.StepResult;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;
import org.jooq.DSLContext;
import org.jooq.ExecuteListener;
import org.jooq.impl.DSL;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * GetBuild's read: {@link BuildRepository#find} of one build with 3 jobs × 3 steps, 20,000 times,
 * beside the two-statement read it replaced ({@link BuildRepository#findRow}, then {@link
 * JobRepository#jobs}), in a throw-away database on the machine's PostgreSQL over one pooled
 * connection. Logs per call: wall time, this thread's CPU, the PostgreSQL backend's CPU (read from
 * /proc, so only for a local server) and the statements sent (counted by a jOOQ listener). Figures,
 * never assertions; it only fails when the two reads disagree.
 *
 * <p>Arguments: {@code [calls=20000] [workflowBytes=0] [rounds=5]} (see README.md); {@code
 * workflowBytes} pads the stored workflow (a short one) to show how its size weighs. Each round
 * makes {@code calls} calls of each read; the last lines are the medians over the rounds.
 */
public final class FindBench {
  private static final Logger log = LoggerFactory.getLogger(FindBench.class);
  private static final String WORKFLOW =
      """
      on: push
      jobs:
        build:
          runs-on: ubuntu-latest
          steps:
            - uses: actions/checkout@v4
            - run: ./mvnw -B verify
            - run: echo "built"
      """;

  private static final int BLOCK = 500;

  private FindBench() {}

  public static void main(String[] args) throws IOException {
    int calls = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
    int workflowBytes = args.length > 1 ? Integer.parseInt(args[1]) : 0;
    int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 5;
    String workflow = workflow(workflowBytes);
    String url = ScratchDatabases.uniqueUrl();
    try (Database database =
        Database.open(url, ScratchDatabases.USER, ScratchDatabases.PASSWORD, 1)) {
      AtomicLong statements = new AtomicLong();
      DSLContext dsl =
          DSL.using(
              database
                  .dsl()
                  .configuration()
                  .deriveAppending(
                      ExecuteListener.onExecuteStart(c -> statements.incrementAndGet())));
      BuildRepository builds = new BuildRepository(dsl);
      JobRepository jobs = new JobRepository(dsl);
      UUID id = planBuild(builds, jobs, workflow);
      long backend = dsl.fetchValue(DSL.field("pg_backend_pid()", Long.class));

      List<Read> reads =
          List.of(
              new Read(
                  "findRow+jobs (2 statements)",
                  () -> builds.findRow(id).map(b -> b.withJobs(jobs.jobs(id)))),
              new Read("find (1 statement)", () -> builds.find(id)));
      if (!reads.get(0).read().get().equals(reads.get(1).read().get())) {
        throw new IllegalStateException("find and findRow+jobs read different builds");
      }
      // Warm-up: the JIT, and the driver's switch to server-side prepared statements.
      for (Read r : reads) {
        measure(r, Math.max(1, calls / 4), statements, backend);
      }
      Map<String, List<Figures>> figures = new LinkedHashMap<>();
      for (int round = 1; round <= rounds; round++) {
        // The machine is shared: the reads take turns in blocks of BLOCK calls, so a burst of
        // load from elsewhere falls on both alike.
        Map<String, Figures> sums = new LinkedHashMap<>();
        for (int done = 0, block = 0; done < calls; done += BLOCK, block++) {
          for (Read r : block % 2 == 0 ? reads : reads.reversed()) {
            Figures f = measure(r, Math.min(BLOCK, calls - done), statements, backend);
            sums.merge(r.name(), f, Figures::plus);
          }
        }
        for (Map.Entry<String, Figures> sum : sums.entrySet()) {
          figures.computeIfAbsent(sum.getKey(), n -> new ArrayList<>()).add(sum.getValue());
          log.info("round {} {}", round, sum.getValue().describe(sum.getKey(), calls));
        }
      }
      log.info("workflow of {} characters, {} calls per round", workflow.length(), calls);
      figures.forEach(
          (name, all) -> log.info("median {}", Figures.median(all).describe(name, calls)));
    } finally {
      ScratchDatabases.drop(url, ScratchDatabases.USER, ScratchDatabases.PASSWORD);
    }
  }

  private static String workflow(int paddingBytes) {
    StringBuilder yaml = new StringBuilder(WORKFLOW);
    String line = "# padding so the stored workflow has the size of a real one\n";
    while (yaml.length() < WORKFLOW.length() + paddingBytes) {
      yaml.append(line);
    }
    return yaml.substring(0, WORKFLOW.length() + paddingBytes);
  }

  /** A running build of 3 jobs × 3 steps, the first job finished with outputs, as GetBuild sees. */
  private static UUID planBuild(BuildRepository builds, JobRepository jobs, String workflow) {
    UUID id = builds.create(NewBuild.of("bench", workflow)).id();
    builds.transition(id, BuildStatus.QUEUED, null, null);
    builds.claim(id, "bench-worker", Duration.ofMinutes(30));
    List<NewJob> plan = new ArrayList<>();
    for (String key : List.of("build", "test", "deploy")) {
      plan.add(
          new NewJob(
              key,
              key,
              null,
              null,
              plan.isEmpty() ? List.of() : List.of(plan.get(plan.size() - 1).key()),
              List.of(new NewStep("checkout"), new NewStep(key), new NewStep("report"))));
    }
    jobs.createPlan(id, plan);
    UUID first = jobs.jobs(id).get(0).id();
    jobs.transitionJob(first, JobStatus.RUNNING);
    for (int step = 1; step <= 3; step++) {
      jobs.finishStep(
          first, step, StepStatus.SUCCEEDED, StepResult.exited(0, "success", "success", Map.of()));
    }
    jobs.transitionJob(first, JobStatus.SUCCEEDED, null, null, Map.of("artifact", "app.jar"));
    return id;
  }

  private record Read(String name, Supplier<Optional<BuildView>> read) {}

  private record Figures(long wallNanos, long cpuNanos, long backendNanos, long statements) {
    Figures plus(Figures other) {
      return new Figures(
          wallNanos + other.wallNanos,
          cpuNanos + other.cpuNanos,
          backendNanos < 0 || other.backendNanos < 0 ? -1 : backendNanos + other.backendNanos,
          statements + other.statements);
    }

    /** Each figure's median on its own, so one noisy round does not skew the others. */
    static Figures median(List<Figures> all) {
      return new Figures(
          median(all, Figures::wallNanos),
          median(all, Figures::cpuNanos),
          median(all, Figures::backendNanos),
          median(all, Figures::statements));
    }

    private static long median(List<Figures> all, ToLongFunction<Figures> figure) {
      long[] values = all.stream().mapToLong(figure).sorted().toArray();
      return values[values.length / 2];
    }

    String describe(String name, int calls) {
      return String.format(
          Locale.ROOT,
          "%-27s %6.1f µs/call wall, %6.1f µs JVM CPU, %s µs PostgreSQL CPU, %.2f statements/call",
          name,
          wallNanos / 1e3 / calls,
          cpuNanos / 1e3 / calls,
          backendNanos < 0
              ? "n/a"
              : String.format(Locale.ROOT, "%5.1f", backendNanos / 1e3 / calls),
          (double) statements / calls);
    }
  }

  private static Figures measure(Read read, int calls, AtomicLong statements, long backend)
      throws IOException {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    long statementsBefore = statements.get();
    long backendBefore = ProcessCpu.ofProcess(backend);
    long cpuBefore = threads.getCurrentThreadCpuTime();
    long start = System.nanoTime();
    for (int i = 0; i < calls; i++) {
      read.read().get().orElseThrow();
    }
    long wall = System.nanoTime() - start;
    long cpu = threads.getCurrentThreadCpuTime() - cpuBefore;
    long backendAfter = ProcessCpu.ofProcess(backend);
    return new Figures(
        wall,
        cpu,
        backendBefore < 0 ? -1 : backendAfter - backendBefore,
        statements.get() - statementsBefore);
  }
}
