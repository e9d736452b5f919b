package dev.pipewright.executor.engine;

import dev.pipewright.executor.JobRef;
import dev.pipewright.executor.JobRun;
import dev.pipewright.executor.JobRunner;
import dev.pipewright.executor.JobSnapshot;
import dev.pipewright.executor.LogSink;
import dev.pipewright.executor.RunObserver;
import dev.pipewright.executor.host.JobHost;
import dev.pipewright.executor.host.JobHostFactory;
import dev.pipewright.models.CiException;
import dev.pipewright.models.ErrorCode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link JobRunner} that runs each job with the {@link JobEngine} on the host its {@link
 * JobHostFactory} gives it, a thread per running job, up to {@code maxParallelJobs} over all builds
 * (more wait QUEUED).
 *
 * <p>After a worker restart, {@link #attach} takes over a job an earlier worker started on a host
 * whose commands outlive it ({@link JobHost#supportsReattach}, the pod host) from the job's {@link
 * JobCheckpoint}: the engine goes on in the same attempt, re-attached to the running step. A job
 * whose host cannot be re-attached, or whose checkpoint is missing or unusable, is {@link
 * JobSnapshot.Phase#LOST}, and the orchestrator runs it again as a new attempt. Closing the runner
 * leaves re-attachable jobs running for that successor.
 */
public class EngineJobRunner implements JobRunner {
  private static final Logger log = LoggerFactory.getLogger(EngineJobRunner.class);

  private final String kind;
  private final EngineSettings settings;
  private final JobHostFactory hosts;
  private final LogSink sink;
  private final ExecutorService pool;
  private final LogTicker ticker;
  private final Map<JobRef, EngineJob> jobs = new ConcurrentHashMap<>();
  private volatile boolean closed;

  /**
   * @param kind what {@link #kind()} says ({@code "local"})
   */
  public EngineJobRunner(
      String kind,
      EngineSettings settings,
      int maxParallelJobs,
      JobHostFactory hosts,
      LogSink sink) {
    if (maxParallelJobs < 1) {
      throw new IllegalArgumentException("maxParallelJobs must be >= 1");
    }
    this.kind = kind;
    this.settings = settings;
    this.hosts = hosts;
    this.sink = sink;
    AtomicInteger n = new AtomicInteger();
    this.pool =
        Executors.newFixedThreadPool(
            maxParallelJobs,
            r ->
                Thread.ofPlatform()
                    .daemon()
                    .name("pipewright-" + kind + "-job-" + n.incrementAndGet())
                    .unstarted(r));
    this.ticker = new LogTicker(settings.logMaxDelay());
  }

  @Override
  public String kind() {
    return kind;
  }

  @Override
  public JobSnapshot start(JobRun run, RunObserver observer) {
    if (closed) {
      throw new CiException(ErrorCode.TRANSIENT, "the " + kind + " runner is closed");
    }
    EngineJob job;
    synchronized (jobs) {
      EngineJob existing = jobs.get(run.ref());
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
      job =
          new EngineJob(
              run,
              hosts,
              settings,
              sink,
              ticker,
              observer == null ? RunObserver.NONE : observer,
              null,
              null);
      jobs.put(run.ref(), job);
    }
    return launch(job);
  }

  /** Runs a job the map holds on the pool; forgets it when the pool refuses it. */
  private JobSnapshot launch(EngineJob job) {
    try {
      pool.execute(job);
    } catch (RejectedExecutionException e) {
      jobs.remove(job.ref(), job);
      throw new CiException(ErrorCode.TRANSIENT, "the " + kind + " runner is shutting down", e);
    }
    return job.snapshot();
  }

  @Override
  public JobSnapshot attach(JobRun run, RunObserver observer) {
    EngineJob job = jobs.get(run.ref());
    if (job != null && job.jobRun().attempt() == run.attempt()) {
      job.observe(observer);
      return job.snapshot();
    }
    if (!hosts.startedBefore(run)) {
      return JobSnapshot.unknown(run.ref());
    }
    EngineJob resumed = resumable(run, observer == null ? RunObserver.NONE : observer);
    if (resumed == null) {
      return JobSnapshot.lost(run.ref());
    }
    synchronized (jobs) {
      EngineJob existing = jobs.get(run.ref());
      if (existing != null && existing.jobRun().attempt() == run.attempt()) {
        existing.observe(observer);
        return existing.snapshot();
      }
      jobs.put(run.ref(), resumed);
    }
    log.info("job {} attempt {}: re-attached", run.ref(), run.attempt());
    return launch(resumed);
  }

  /**
   * The job an earlier worker left, taken over from its checkpoint; null when it cannot be: its
   * host does not re-attach, or its checkpoint is missing or unusable, or its running step's stored
   * log does not say how far it reaches.
   */
  private EngineJob resumable(JobRun run, RunObserver observer) {
    if (closed) {
      return null;
    }
    try {
      JobHost host = hosts.open(run);
      if (!host.supportsReattach()) {
        return null;
      }
      String path = JobCheckpoint.path(host.paths(), run.attempt());
      Optional<byte[]> bytes = host.files().read(path);
      if (bytes.isEmpty()) {
        log.info("job {} attempt {}: no checkpoint; it runs again", run.ref(), run.attempt());
        return null;
      }
      int stepCount = run.job().steps() == null ? 0 : run.job().steps().size();
      JobCheckpoint c = JobCheckpoint.parse(bytes.get(), run.ref(), run.attempt(), stepCount);
      if (c.running() != null && run.logSource(c.running().step()).isEmpty()) {
        log.warn(
            "job {}: the stored log of step {} does not say how far it reaches; it runs again",
            run.ref(),
            c.running().step());
        return null;
      }
      return new EngineJob(run, hosts, settings, sink, ticker, observer, host, c);
    } catch (JobCheckpoint.Unreadable e) {
      log.warn("job {}: {}; it runs again", run.ref(), e.getMessage());
    } catch (IOException | RuntimeException e) {
      log.warn(
          "job {}: its host cannot be re-attached ({}); it runs again", run.ref(), e.toString());
    }
    return null;
  }

  @Override
  public JobSnapshot status(JobRef ref) {
    EngineJob job = jobs.get(ref);
    return job == null ? JobSnapshot.unknown(ref) : job.snapshot();
  }

  @Override
  public List<JobSnapshot> status(String buildId) {
    return jobsOf(buildId).stream()
        .map(EngineJob::snapshot)
        .sorted(Comparator.comparing(s -> s.ref().jobKey()))
        .toList();
  }

  @Override
  public void cancel(JobRef ref) {
    EngineJob job = jobs.get(ref);
    if (job != null) {
      job.cancel();
    }
  }

  @Override
  public void cancelBuild(String buildId) {
    jobsOf(buildId).forEach(EngineJob::cancel);
  }

  @Override
  public void releaseBuild(String buildId) {
    List<EngineJob> ofBuild = jobsOf(buildId);
    ofBuild.forEach(EngineJob::cancel);
    awaitAll(ofBuild);
    ofBuild.forEach(job -> jobs.remove(job.ref(), job));
    hosts.releaseBuild(buildId);
    if (settings.actions() != null) {
      // The build's tags are looked up again by the next build; the commits stay kept.
      settings.actions().release(buildId);
    }
  }

  @Override
  public void close() {
    closed = true;
    List<EngineJob> all = new ArrayList<>(jobs.values());
    all.forEach(EngineJob::abandon);
    awaitAll(all);
    pool.shutdownNow();
    ticker.close();
    hosts.close();
  }

  private List<EngineJob> jobsOf(String buildId) {
    return jobs.values().stream().filter(j -> j.ref().buildId().equals(buildId)).toList();
  }

  private void awaitAll(List<EngineJob> list) {
    long waitMillis = settings.killGrace().toMillis() + 10_000;
    try {
      CompletableFuture.allOf(list.stream().map(EngineJob::done).toArray(CompletableFuture[]::new))
          .get(waitMillis, TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      log.warn("jobs still running {} ms after cancel", waitMillis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException e) {
      log.warn("a job ended abnormally: {}", e.getCause().toString());
    }
  }
}
