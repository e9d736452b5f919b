package dev.pipewright.executor.engine;

import dev.pipewright.executor.JobRef;
import dev.pipewright.executor.JobRun;
import dev.pipewright.executor.JobRunner;
import dev.pipewright.executor.JobSnapshot;
import dev.pipewright.executor.LogSink;
import dev.pipewright.executor.RunObserver;
import dev.pipewright.executor.host.JobHostFactory;
import dev.pipewright.models.CiException;
import dev.pipewright.models.ErrorCode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
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
 * <p>After a worker restart, {@link #attach} reports a job that an earlier worker started and whose
 * host cannot be re-attached as {@link JobSnapshot.Phase#LOST}.
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
              run, hosts, settings, sink, ticker, observer == null ? RunObserver.NONE : observer);
      jobs.put(run.ref(), job);
    }
    try {
      pool.execute(job);
    } catch (RejectedExecutionException e) {
      jobs.remove(run.ref(), job);
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
    return hosts.startedBefore(run) ? JobSnapshot.lost(run.ref()) : JobSnapshot.unknown(run.ref());
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
