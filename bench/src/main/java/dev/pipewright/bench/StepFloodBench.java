package dev.pipewright.bench;

import dev.pipewright.executor.JobRef;
import dev.pipewright.executor.JobResult;
import dev.pipewright.executor.JobRun;
import dev.pipewright.executor.LogLimits;
import dev.pipewright.executor.RunObserver;
import dev.pipewright.executor.StepResult;
import dev.pipewright.executor.local.LocalJobRunner;
import dev.pipewright.executor.local.LocalRunnerConfig;
import dev.pipewright.parser.WorkflowParser;
import dev.pipewright.parser.spec.WorkflowSpec;
import dev.pipewright.pipeline.worker.StoreLogSink;
import dev.pipewright.store.BuildRepository;
import dev.pipewright.store.Database;
import dev.pipewright.store.LogRepository;
import dev.pipewright.store.NewBuild;
import dev.pipewright.store.ScratchDatabases;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A worker's memory while one step floods its log: the local runner and the PostgreSQL store sink
 * of a worker run, in this JVM, a step printing {@code yes | head -c SIZE} (two-byte lines, the
 * worst case per byte), while this process's resident memory is sampled every 100 ms. Run it in a
 * JVM of its own ({@code java -cp ...}, not inside Maven) so the figures are the worker's. Prints
 * figures, asserts nothing.
 *
 * <p>Arguments (all optional): megabytes of output (default 1024), the step's log limit and the
 * build's in bytes (default {@link LogLimits#DEFAULT}; larger than the output stores all of it, as
 * before there were limits). Needs PostgreSQL on 127.0.0.1:5432 (user postgres, trust); makes a
 * database of its own ({@link ScratchDatabases}) and drops it.
 */
public final class StepFloodBench {
  private StepFloodBench() {}

  public static void main(String[] args) throws Exception {
    System.setProperty("org.jooq.no-logo", "true");
    System.setProperty("org.jooq.no-tips", "true");
    long megabytes = args.length > 0 ? Long.parseLong(args[0]) : 1024;
    LogLimits limits =
        args.length > 2
            ? new LogLimits(Long.parseLong(args[1]), Long.parseLong(args[2]))
            : LogLimits.DEFAULT;
    String url = ScratchDatabases.uniqueUrl();
    Path root = Files.createTempDirectory("pw-flood-bench-");
    System.out.printf(
        Locale.ROOT,
        "java %s, max heap %d MiB, %s; %d MiB of 'y' lines, step limit %d, build limit %d%n",
        Runtime.version(),
        Runtime.getRuntime().maxMemory() >> 20,
        ManagementFactory.getRuntimeMXBean().getInputArguments(),
        megabytes,
        limits.stepBytes(),
        limits.buildBytes());
    Database db = Database.open(url, ScratchDatabases.USER, ScratchDatabases.PASSWORD);
    try {
      run(db, root, megabytes, limits);
    } finally {
      db.close();
      ScratchDatabases.drop(url, ScratchDatabases.USER, ScratchDatabases.PASSWORD);
    }
  }

  private static void run(Database db, Path root, long megabytes, LogLimits limits)
      throws Exception {
    String yaml =
        "on: push\njobs:\n  flood:\n    runs-on: local\n    steps:\n"
            + "      - run: yes | head -c "
            + megabytes
            + "M\n";
    UUID build = new BuildRepository(db.dsl()).create(NewBuild.of("bench", yaml)).id();
    WorkflowSpec wf = new WorkflowParser().parse(yaml, "flood.yml");
    JobRun run = JobRun.builder(new JobRef(build.toString(), "flood"), wf, wf.job("flood")).build();
    LogRepository logs = new LogRepository(db.dsl());
    CompletableFuture<StepResult> step = new CompletableFuture<>();
    CompletableFuture<JobResult> job = new CompletableFuture<>();

    AtomicLong peak = new AtomicLong();
    long before = residentBytes("VmRSS");
    ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
    sampler.scheduleAtFixedRate(
        () -> peak.accumulateAndGet(residentBytes("VmRSS"), Math::max),
        0,
        100,
        TimeUnit.MILLISECONDS);
    long cpuBefore = processCpuNanos();
    long start = System.nanoTime();
    try (LocalJobRunner runner =
        new LocalJobRunner(
            LocalRunnerConfig.defaults(root), new StoreLogSink(logs, null, limits))) {
      runner.start(
          run,
          new RunObserver() {
            @Override
            public void stepFinished(JobRef ref, int stepNumber, StepResult r) {
              step.complete(r);
            }

            @Override
            public void jobFinished(JobRef ref, JobResult r) {
              job.complete(r);
            }
          });
      job.get(30, TimeUnit.MINUTES);
      runner.releaseBuild(build.toString());
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    double cpuSeconds = (processCpuNanos() - cpuBefore) / 1e9;
    sampler.shutdownNow();
    long highWater = residentBytes("VmHWM");
    deleteTree(root);

    StepResult r = step.get();
    long stored = logs.storedBytes(build);
    long chunks =
        db.dsl().fetchCount(db.dsl().selectOne().from("build_logs").where("build_id = ?", build));
    String last =
        db.dsl()
            .fetchValue(
                "select content from build_logs where build_id = ? order by id desc limit 1", build)
            .toString();
    System.out.printf(
        Locale.ROOT,
        "step %s, exit code %d, %.1f s wall, %.1f s CPU (%.0f MiB/s of output)%n"
            + "stored %,d bytes in %,d chunks; the log ends with: %s%n"
            + "resident memory: %d MiB before the step, %d MiB at most while it ran"
            + " (sampled every 100 ms), high-water mark of the process %d MiB%n",
        r.status(),
        r.exitCode(),
        seconds,
        cpuSeconds,
        megabytes / seconds,
        stored,
        chunks,
        last.substring(last.lastIndexOf('\n', last.length() - 2) + 1).strip(),
        before >> 20,
        peak.get() >> 20,
        highWater >> 20);
  }

  private static void deleteTree(Path dir) throws IOException {
    try (var paths = Files.walk(dir)) {
      for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  /** A field of /proc/self/status in bytes ({@code VmRSS}: now, {@code VmHWM}: the peak). */
  static long residentBytes(String field) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith(field + ":")) {
          return Long.parseLong(line.replaceAll("\\D", "")) << 10;
        }
      }
    } catch (IOException | NumberFormatException e) {
      return 0;
    }
    return 0;
  }

  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }
}
