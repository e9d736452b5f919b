package dev.pipewright.executor.local;

import dev.pipewright.executor.JobRef;
import dev.pipewright.executor.JobRun;
import dev.pipewright.executor.JobRunner;
import dev.pipewright.executor.JobSnapshot;
import dev.pipewright.executor.LogSink;
import dev.pipewright.executor.RunObserver;
import dev.pipewright.models.CiException;
import dev.pipewright.models.ErrorCode;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs each job as processes on this machine, in the build's workspace directory {@code
 * <root>/<workspace>/}, shared by the build's jobs (the local stand-in for the PVC). Jobs run in
 * parallel up to {@link LocalRunnerConfig#maxParallelJobs()}, over all builds.
 *
 * <p>Jobs die with the worker: after a restart, {@link #attach} reports a job that an earlier
 * worker started (its marker file is in {@code <root>/.pipewright/}) as {@link
 * JobSnapshot.Phase#LOST}.
 */
public final class LocalJobRunner implements JobRunner {
  private static final Logger log = LoggerFactory.getLogger(LocalJobRunner.class);
  private static final Pattern SAFE_NAME = Pattern.compile("[A-Za-z0-9_.-]+");
  private static final String RUNNER_DIR = ".pipewright";

  private final LocalRunnerConfig config;
  private final LogSink sink;
  private final Path root;
  private final ExecutorService pool;
  private final LogTicker ticker;
  private final Map<JobRef, LocalJob> jobs = new ConcurrentHashMap<>();
  private volatile boolean closed;

  public LocalJobRunner(LocalRunnerConfig config, LogSink sink) {
    this.config = config;
    this.sink = sink;
    this.root = config.workspaceRoot().toAbsolutePath().normalize();
    AtomicInteger n = new AtomicInteger();
    this.pool =
        Executors.newFixedThreadPool(
            config.maxParallelJobs(),
            r ->
                Thread.ofPlatform()
                    .daemon()
                    .name("pipewright-local-job-" + n.incrementAndGet())
                    .unstarted(r));
    this.ticker = new LogTicker(config.logMaxDelay());
  }

  @Override
  public String kind() {
    return "local";
  }

  @Override
  public JobSnapshot start(JobRun run, RunObserver observer) {
    if (closed) {
      throw new CiException(ErrorCode.TRANSIENT, "the local runner is closed");
    }
    LocalJob job;
    synchronized (jobs) {
      LocalJob existing = jobs.get(run.ref());
      if (existing != null) {
        if (existing.jobRun().attempt() == run.attempt()) {
          return existing.snapshot();
        }
        if (!existing.snapshot().finished()) {
          throw new CiException(
              ErrorCode.CONFLICT,
              run.ref() + " attempt " + existing.jobRun().attempt() + " is still running");
        }
      }
      Path workspace = workspaceOf(run);
      Path runnerDir = runnerDirOf(run.ref());
      try {
        Files.createDirectories(runnerDir);
        Files.writeString(runnerDir.resolve("attempt-" + run.attempt() + ".started"), "");
      } catch (IOException e) {
        throw new CiException(ErrorCode.TRANSIENT, "cannot prepare " + runnerDir + ": " + e, e);
      }
      job =
          new LocalJob(
              run,
              config,
              sink,
              ticker,
              workspace,
              runnerDir,
              observer == null ? RunObserver.NONE : observer);
      jobs.put(run.ref(), job);
    }
    try {
      pool.execute(job);
    } catch (RejectedExecutionException e) {
      jobs.remove(run.ref(), job);
      throw new CiException(ErrorCode.TRANSIENT, "the local runner is shutting down", e);
    }
    return job.snapshot();
  }

  @Override
  public JobSnapshot attach(JobRun run, RunObserver observer) {
    LocalJob job = jobs.get(run.ref());
    if (job != null && job.jobRun().attempt() == run.attempt()) {
      job.observe(observer);
      return job.snapshot();
    }
    Path marker = runnerDirOf(run.ref()).resolve("attempt-" + run.attempt() + ".started");
    return Files.exists(marker) ? JobSnapshot.lost(run.ref()) : JobSnapshot.unknown(run.ref());
  }

  @Override
  public JobSnapshot status(JobRef ref) {
    LocalJob job = jobs.get(ref);
    return job == null ? JobSnapshot.unknown(ref) : job.snapshot();
  }

  @Override
  public List<JobSnapshot> status(String buildId) {
    return jobsOf(buildId).stream()
        .map(LocalJob::snapshot)
        .sorted(Comparator.comparing(s -> s.ref().jobKey()))
        .toList();
  }

  @Override
  public void cancel(JobRef ref) {
    LocalJob job = jobs.get(ref);
    if (job != null) {
      job.cancel();
    }
  }

  @Override
  public void cancelBuild(String buildId) {
    jobsOf(buildId).forEach(LocalJob::cancel);
  }

  @Override
  public void releaseBuild(String buildId) {
    List<LocalJob> ofBuild = jobsOf(buildId);
    ofBuild.forEach(LocalJob::cancel);
    awaitAll(ofBuild);
    Set<Path> dirs = new LinkedHashSet<>();
    for (LocalJob job : ofBuild) {
      dirs.add(workspaceOf(job.jobRun()));
      jobs.remove(job.ref(), job);
    }
    dirs.add(safeChild(root, buildId));
    dirs.add(safeChild(root.resolve(RUNNER_DIR), buildId));
    for (Path dir : dirs) {
      try {
        deleteTree(dir);
      } catch (IOException e) {
        log.warn("could not delete {} of build {}: {}", dir, buildId, e.toString());
      }
    }
  }

  @Override
  public void close() {
    closed = true;
    List<LocalJob> all = new ArrayList<>(jobs.values());
    all.forEach(LocalJob::cancel);
    awaitAll(all);
    pool.shutdownNow();
    ticker.close();
  }

  /** The workspace directory of a run: {@code <root>/<workspace>}. */
  public Path workspaceOf(JobRun run) {
    return safeChild(root, run.workspace());
  }

  private Path runnerDirOf(JobRef ref) {
    return safeChild(safeChild(root.resolve(RUNNER_DIR), ref.buildId()), ref.jobKey());
  }

  private List<LocalJob> jobsOf(String buildId) {
    return jobs.values().stream().filter(j -> j.ref().buildId().equals(buildId)).toList();
  }

  private void awaitAll(List<LocalJob> list) {
    long waitMillis = config.killGrace().toMillis() + 10_000;
    try {
      CompletableFuture.allOf(list.stream().map(LocalJob::done).toArray(CompletableFuture[]::new))
          .get(waitMillis, TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      log.warn("jobs still running {} ms after cancel", waitMillis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (java.util.concurrent.ExecutionException e) {
      log.warn("a job ended abnormally: {}", e.getCause().toString());
    }
  }

  /** Ids become directory names: anything that could climb out of the root is refused. */
  private static Path safeChild(Path parent, String name) {
    if (name == null
        || !SAFE_NAME.matcher(name).matches()
        || name.equals("..")
        || name.equals(".")) {
      throw new CiException(
          ErrorCode.INVALID_SPEC, "'" + name + "' is not usable as a directory name");
    }
    return parent.resolve(name);
  }

  static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    Files.walkFileTree(
        dir,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
              throws IOException {
            Files.deleteIfExists(file);
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFileFailed(Path file, IOException exc) throws IOException {
            if (exc instanceof NoSuchFileException) {
              return FileVisitResult.CONTINUE;
            }
            throw exc;
          }

          @Override
          public FileVisitResult postVisitDirectory(Path d, IOException exc) throws IOException {
            Files.deleteIfExists(d);
            return FileVisitResult.CONTINUE;
          }
        });
  }
}
