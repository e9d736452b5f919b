package dev.pipewright.executor.engine;

import dev.pipewright.executor.JobRef;
import dev.pipewright.executor.JobResult;
import dev.pipewright.executor.JobRun;
import dev.pipewright.executor.JobSnapshot;
import dev.pipewright.executor.LogSink;
import dev.pipewright.executor.RunObserver;
import dev.pipewright.executor.SecretMasker;
import dev.pipewright.executor.StepResult;
import dev.pipewright.executor.host.JobHost;
import dev.pipewright.executor.host.JobHostFactory;
import dev.pipewright.models.CiException;
import dev.pipewright.models.ErrorCode;
import dev.pipewright.models.JobStatus;
import dev.pipewright.models.StepStatus;
import java.io.IOException;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One job instance in an {@link EngineJobRunner}: its state as snapshots show it, its observer, its
 * cancel, and the thread body that opens its host and runs the {@link JobEngine} (from the job's
 * start, or from an earlier worker's {@link JobCheckpoint} on the host it re-attaches to).
 */
final class EngineJob implements Runnable, JobEngine.Progress {
  private static final Logger log = LoggerFactory.getLogger(EngineJob.class);

  private static final JobResult CANCELLED =
      new JobResult(JobStatus.CANCELLED, Map.of(), ErrorCode.CANCELLED, "The run was cancelled.");

  private final JobRun run;
  private final JobHostFactory hosts;
  private final EngineSettings settings;
  private final LogSink sink;
  private final LogTicker ticker;
  private final Cancellation cancellation;
  private final SecretMasker masker;
  private final int stepCount;

  private final Object lock = new Object();
  private volatile RunObserver observer;
  private volatile boolean detached;
  private JobSnapshot.Phase phase = JobSnapshot.Phase.QUEUED;
  private final StepStatus[] stepStatus;
  private int currentStep;
  private JobResult result;

  /** The job's thread while it prepares its host: what a cancel interrupts. */
  private Thread preparing;

  /** A cancel interrupted the host's preparation. */
  private boolean interruptedPreparing;

  private final CompletableFuture<JobResult> done = new CompletableFuture<>();

  /** Set when an earlier worker's job is taken over: its host, opened already, and its state. */
  private final JobHost resumedHost;

  private final JobCheckpoint resume;

  /** Its host outlives the worker: leaving it keeps its command running. */
  private boolean reattachable;

  /**
   * @param host null to open the job's host from {@code hosts}; else the host, opened already, of a
   *     job an earlier worker ran until its checkpoint {@code resume} (null for a new job)
   */
  EngineJob(
      JobRun run,
      JobHostFactory hosts,
      EngineSettings settings,
      LogSink sink,
      LogTicker ticker,
      RunObserver observer,
      JobHost host,
      JobCheckpoint resume) {
    this.run = run;
    this.hosts = hosts;
    this.settings = settings;
    this.sink = sink;
    this.ticker = ticker;
    this.observer = observer;
    this.cancellation = new Cancellation(settings.killGrace(), settings.cancelTimeout());
    this.masker = new SecretMasker(run.maskedValues());
    this.stepCount = run.job().steps() == null ? 0 : run.job().steps().size();
    this.stepStatus = new StepStatus[stepCount];
    Arrays.fill(stepStatus, StepStatus.PENDING);
    this.resumedHost = host;
    this.resume = resume;
    if (resume != null) {
      for (int i = 0; i < resume.statuses().size(); i++) {
        stepStatus[i] = resume.statuses().get(i);
      }
    }
  }

  JobRun jobRun() {
    return run;
  }

  JobRef ref() {
    return run.ref();
  }

  CompletableFuture<JobResult> done() {
    return done;
  }

  void observe(RunObserver o) {
    this.observer = o == null ? RunObserver.NONE : o;
  }

  JobSnapshot snapshot() {
    synchronized (lock) {
      return new JobSnapshot(run.ref(), phase, Arrays.asList(stepStatus), currentStep, result);
    }
  }

  /**
   * The runner is closing (the worker stops and hands its builds back through their leases):
   * nothing more is reported, so no CANCELLED reaches the store. On a host that supports re-attach
   * the job's thread stops at its next wait and leaves the running command and the host to the
   * successor that takes the build over; elsewhere the job is stopped like a cancel and the
   * successor runs it again.
   */
  void abandon() {
    synchronized (lock) {
      detached = true;
      if (reattachable && preparing == null && phase == JobSnapshot.Phase.RUNNING) {
        cancellation.detach();
        return;
      }
    }
    cancel();
  }

  /**
   * A queued job finishes CANCELLED at once; a running one is cancelled as GitHub cancels: its
   * current step stops unless its {@code if:} holds under cancellation, and the rest see {@code
   * cancelled()}.
   */
  void cancel() {
    synchronized (lock) {
      if (phase == JobSnapshot.Phase.FINISHED) {
        return;
      }
      if (phase != JobSnapshot.Phase.QUEUED) {
        cancellation.request(ErrorCode.CANCELLED);
        if (preparing != null) {
          interruptedPreparing = true;
          preparing.interrupt();
        }
        return;
      }
      // Claimed here so the pool thread, when it gets to it, does nothing.
      phase = JobSnapshot.Phase.RUNNING;
    }
    for (int i = 1; i <= stepCount; i++) {
      stepFinished(i, StepResult.notRun(StepStatus.CANCELLED));
    }
    finish(CANCELLED);
  }

  @Override
  public void run() {
    synchronized (lock) {
      if (phase != JobSnapshot.Phase.QUEUED) {
        return;
      }
      phase = JobSnapshot.Phase.RUNNING;
    }
    safely(o -> o.jobStarted(run.ref()));
    JobHost host = null;
    JobResult outcome;
    try {
      host = resumedHost != null ? resumedHost : hosts.open(run);
      synchronized (lock) {
        reattachable = host.supportsReattach();
      }
      JobScope scope = new JobScope(run, host, settings, sink, ticker, masker, cancellation);
      outcome = new JobEngine(scope, this, resume).execute();
    } catch (RuntimeException | IOException e) {
      for (int i = 1; i <= stepCount; i++) {
        if (!stepStatus(i).terminal()) {
          stepFinished(i, StepResult.notRun(StepStatus.CANCELLED));
        }
      }
      if (interruptedPreparing()) {
        // The cancel interrupted the host's preparation: nothing ran, nothing failed.
        log.info("job {} was cancelled while its host was being prepared", run.ref());
        outcome = CANCELLED;
      } else if (cancellation.detached()) {
        log.info("job {} is left running for the worker that takes its build over", run.ref());
        outcome = CANCELLED;
      } else {
        log.error("job {} failed in the runner", run.ref(), e);
        CiException ci =
            e instanceof IOException
                ? new CiException(ErrorCode.TRANSIENT, "job host I/O failure: " + e, e)
                : CiException.from(e);
        outcome =
            new JobResult(JobStatus.FAILED, Map.of(), ci.code(), masker.mask(ci.getMessage()));
      }
    } finally {
      if (host != null && !cancellation.detached()) {
        host.release();
      }
    }
    finish(outcome);
  }

  @Override
  public void preparing(boolean now) {
    synchronized (lock) {
      preparing = now ? Thread.currentThread() : null;
      if (now && (cancellation.requested() || detached)) {
        interruptedPreparing = true;
        Thread.currentThread().interrupt();
      }
    }
    if (!now) {
      // A cancel that came as the preparation ended must not interrupt what follows.
      Thread.interrupted();
    }
  }

  private boolean interruptedPreparing() {
    synchronized (lock) {
      return interruptedPreparing;
    }
  }

  @Override
  public void stepStarted(int number, String name) {
    synchronized (lock) {
      currentStep = number;
      stepStatus[number - 1] = StepStatus.RUNNING;
    }
    safely(o -> o.stepStarted(run.ref(), number, name));
  }

  @Override
  public void stepFinished(int number, StepResult r) {
    synchronized (lock) {
      currentStep = 0;
      stepStatus[number - 1] = r.status();
    }
    safely(o -> o.stepFinished(run.ref(), number, r));
  }

  @Override
  public void addedStepStarted(int number, String name) {
    safely(o -> o.addedStepStarted(run.ref(), number, name));
  }

  @Override
  public void addedStepFinished(int number, String name, StepResult r) {
    safely(o -> o.addedStepFinished(run.ref(), number, name, r));
  }

  private StepStatus stepStatus(int number) {
    synchronized (lock) {
      return stepStatus[number - 1];
    }
  }

  private void finish(JobResult r) {
    synchronized (lock) {
      phase = JobSnapshot.Phase.FINISHED;
      currentStep = 0;
      result = r;
    }
    safely(o -> o.jobFinished(run.ref(), r));
    done.complete(r);
  }

  private void safely(Consumer<RunObserver> call) {
    if (detached) {
      return;
    }
    try {
      call.accept(observer);
    } catch (RuntimeException e) {
      log.warn("observer of {} threw; the runner carries on", run.ref(), e);
    }
  }
}
