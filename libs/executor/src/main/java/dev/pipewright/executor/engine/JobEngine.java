package dev.pipewright.executor.engine;

import dev.pipewright.capabilities.Capabilities;
import dev.pipewright.capabilities.Finding;
import dev.pipewright.executor.JobResult;
import dev.pipewright.executor.JobRun;
import dev.pipewright.executor.LogChunker;
import dev.pipewright.executor.StepResult;
import dev.pipewright.executor.host.JobHost;
import dev.pipewright.executor.host.JobPaths;
import dev.pipewright.expressions.ExpressionException;
import dev.pipewright.expressions.Values;
import dev.pipewright.models.ErrorCode;
import dev.pipewright.models.JobStatus;
import dev.pipewright.models.StepStatus;
import dev.pipewright.parser.spec.StepSpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The life of one job instance with GitHub's semantics, the same on every host: the job's env and
 * timeout, then each step in order (its env, its {@code if:} with the status functions, its command
 * through {@link StepDriver}), then the job's outputs and result. Follows StepsRunner.cs: a step's
 * {@code env} is evaluated before its {@code if:} (which sees it), and an error in either fails the
 * step; a cancel or the job's timeout makes the remaining steps see {@code cancelled()}, so only
 * those whose {@code if:} holds still run, and they are recorded as having run. Runs on the job's
 * thread.
 *
 * <p>After each step, and when a step's command starts, it writes the job's {@link JobCheckpoint};
 * given one, it goes on from it: the steps it says are done are not run again, and the command it
 * says runs is re-attached to (or started, when it never did).
 */
final class JobEngine {
  /** What the engine reports as the steps go (the job's state and observer). */
  interface Progress {
    void stepStarted(int number, String name);

    /** Exactly once per step, in order; the result is masked. */
    void stepFinished(int number, StepResult result);

    /**
     * The host is being prepared ({@code true}) or ready ({@code false}), on the job's thread: a
     * cancel interrupts it meanwhile (a pod that never gets scheduled, an image pull).
     */
    void preparing(boolean preparing);

    /** Step {@code number}'s command is about to start with this id. */
    default void commandStarting(int number, String id) throws IOException {}

    /** A step an action added ({@link AddedSteps}) begins; numbered after the job's steps. */
    default void addedStepStarted(int number, String name) {}

    /** A step an action added ended (or was skipped); the result is masked. */
    default void addedStepFinished(int number, String name, StepResult result) {}
  }

  private final JobScope scope;
  private final JobRun run;
  private final JobHost host;
  private final Progress progress;
  private final List<StepSpec> steps;
  private final JobCheckpoint resume;
  private LogChunker jobLog;

  /**
   * @param resume the checkpoint of this attempt an earlier worker wrote, to go on from; null to
   *     run the job from its start
   */
  JobEngine(JobScope scope, Progress progress, JobCheckpoint resume) {
    this.scope = scope;
    this.run = scope.run();
    this.host = scope.host();
    this.progress = progress;
    this.steps = run.job().steps() == null ? List.of() : run.job().steps();
    this.resume = resume;
  }

  /** Runs the job; its steps are all reported finished when it returns. */
  JobResult execute() throws IOException {
    host.jobLog(this::jobLog);
    try {
      return executeSteps();
    } finally {
      if (!scope.cancellation().detached()) {
        // A worker that leaves the job to its successor leaves its services too.
        host.stopServices();
      }
      if (jobLog != null) {
        jobLog.close();
      }
    }
  }

  private JobResult executeSteps() throws IOException {
    if (run.attempt() > 1 && resume == null) {
      // A new attempt starts over on a new host, visibly, whatever the host: a re-run of the
      // finished build asked for it, or the earlier one was lost with its worker or failed under
      // it (a pod evicted). A successor that re-attaches to a running job keeps its attempt number
      // and never comes here.
      jobLog(
          run.rerun()
              ? "Attempt "
                  + run.attempt()
                  + ": a re-run of the build runs the job again from its first step"
              : "##[warning]Attempt "
                  + run.attempt()
                  + ": the job runs again from its first step (attempt "
                  + (run.attempt() - 1)
                  + " was lost with its worker or its host)");
    }
    // A resumed attempt wrote its findings when it started, and was not refused.
    JobResult refused = resume == null ? checkCapabilities() : null;
    if (refused != null) {
      return refused;
    }
    progress.preparing(true);
    try {
      host.prepare();
    } finally {
      progress.preparing(false);
    }
    JobPaths paths = host.paths();
    String eventPath = JobPaths.join(paths.runnerFiles(), "event.json");
    Object event = run.github().getOrDefault("event", Map.of());
    host.files().write(eventPath, Values.toJson(event).getBytes(StandardCharsets.UTF_8));
    JobContext ctx =
        new JobContext(
            ContextBuilder.jobContexts(run, paths, eventPath, scope.settings().runnerName()),
            host.containerContext(),
            host.servicesContext(),
            patterns -> HashFiles.compute(host.files(), paths.workspace(), patterns));

    Map<String, String> jobEnv;
    Duration jobTimeout;
    try {
      jobEnv = ctx.layerEnv(ctx.layerEnv(Map.of(), run.workflow().env()), run.job().env());
      Duration declared = ctx.minutes(run.job().timeoutMinutes(), jobEnv);
      jobTimeout = declared == null ? JobRun.DEFAULT_JOB_TIMEOUT : declared;
      if (run.maxTimeout() != null && run.maxTimeout().compareTo(jobTimeout) < 0) {
        jobTimeout = run.maxTimeout();
      }
    } catch (ExpressionException | IllegalArgumentException e) {
      return refuse(List.of("job " + run.job().id() + ": " + e.getMessage()));
    }
    long deadline =
        resume == null
            ? System.currentTimeMillis() + jobTimeout.toMillis()
            : resume.deadlineEpochMillis();
    long jobDeadline = nanoTimeAt(deadline);

    PostSteps posts = new PostSteps();
    StepDriver driver = new StepDriver(scope, ctx, jobEnv, jobTimeout, jobDeadline, posts);
    Cancellation cancellation = scope.cancellation();
    Checkpoints checkpoints = new Checkpoints(scope, ctx, driver, posts, deadline);
    if (resume != null) {
      checkpoints.restore(resume);
      resume.posts().stream()
          .filter(PostSteps.Saved::composite)
          .forEach(
              p ->
                  jobLog(
                      "##[warning]"
                          + p.displayName()
                          + " does not run: it runs the post steps of the actions inside a"
                          + " composite one, whose inputs and env went with the worker that ran"
                          + " them before this one took the job over"));
    }
    Progress checkpointing = checkpoints.around(progress);
    AddedSteps added =
        new AddedSteps(
            scope,
            ctx,
            driver,
            driver.stages(),
            progress,
            steps.size() + 1 + checkpoints.addedSteps(),
            checkpoints);
    if (checkpoints.stepsDone() == 0) {
      added.runPre(steps);
    }
    for (int i = checkpoints.stepsDone(); i < steps.size(); i++) {
      if (cancellation.detached()) {
        throw Cancellation.left();
      }
      if (!cancellation.requested() && System.nanoTime() - jobDeadline >= 0) {
        cancellation.request(ErrorCode.TIMEOUT);
      }
      StepOutcome out = driver.step(steps.get(i), checkpointing);
      StepResult masked = out.masked(scope.masker());
      // Reported before the checkpoint says it is done: a successor reports it again rather than
      // never.
      progress.stepFinished(i + 1, masked);
      checkpoints.stepDone(out.result(), masked.status());
    }
    added.runPost(posts);
    ErrorCode firstCode = checkpoints.firstCode();
    String firstMessage = checkpoints.firstMessage();
    if (firstCode == null) {
      firstCode = added.firstCode();
      firstMessage = added.firstMessage();
    }

    Map<String, String> outputs = Map.of();
    try {
      JobOutputs handed =
          JobOutputs.filter(ctx.outputs(run.job().outputs(), driver.env()), scope.masker());
      handed.warnings().forEach(w -> jobLog("##[warning]" + w));
      outputs = handed.kept();
    } catch (ExpressionException e) {
      String message = "job outputs: " + e.getMessage();
      jobLog("##[error]" + message);
      if (firstCode == null) {
        firstCode = ErrorCode.INVALID_SPEC;
        firstMessage = message;
      }
      ctx.markFailed();
    }
    ErrorCode cancelled = cancellation.reason();
    if (cancelled == ErrorCode.CANCELLED) {
      return new JobResult(
          JobStatus.CANCELLED, outputs, ErrorCode.CANCELLED, "The run was cancelled.");
    }
    if (cancelled == ErrorCode.TIMEOUT) {
      return new JobResult(
          JobStatus.FAILED, outputs, ErrorCode.TIMEOUT, jobTimeoutMessage(jobTimeout));
    }
    if (ctx.state().failed() || firstCode != null) {
      return new JobResult(JobStatus.FAILED, outputs, firstCode, mask(firstMessage));
    }
    return new JobResult(JobStatus.SUCCEEDED, outputs, null, null);
  }

  /** The {@link System#nanoTime} of a wall-clock time (a deadline a checkpoint carries). */
  static long nanoTimeAt(long epochMillis) {
    return System.nanoTime() + (epochMillis - System.currentTimeMillis()) * 1_000_000;
  }

  /**
   * The job's findings ({@link Capabilities#forJob}) at the top of its log: a warning for each key
   * it will not honour, and for what no host can run a refusal before anything is prepared.
   *
   * @return the failed result of a refused job, or null when it runs
   */
  private JobResult checkCapabilities() {
    List<String> errors = new ArrayList<>();
    for (Finding f : Capabilities.forJob(run.workflow(), run.job())) {
      String text = f.diagnostic().brief();
      if (f.isError()) {
        errors.add(text);
      } else {
        jobLog("##[warning]" + text);
      }
    }
    return errors.isEmpty() ? null : refuse(errors);
  }

  /** Fails the job before its first step with {@code messages}, every step skipped. */
  private JobResult refuse(List<String> messages) {
    messages.forEach(m -> jobLog("##[error]" + m));
    for (int i = 0; i < steps.size(); i++) {
      progress.stepFinished(i + 1, StepResult.notRun(StepStatus.SKIPPED));
    }
    return new JobResult(
        JobStatus.FAILED, Map.of(), ErrorCode.INVALID_SPEC, mask(messages.getFirst()));
  }

  static String jobTimeoutMessage(Duration timeout) {
    return "The job has exceeded the maximum execution time of " + describe(timeout) + ".";
  }

  /** {@code 5m}, or seconds for a fraction of a minute. */
  static String describe(Duration d) {
    long seconds = d.toSeconds();
    if (seconds % 60 == 0 && d.toMillis() % 1000 == 0) {
      return (seconds / 60) + "m";
    }
    return d.toMillis() / 1000.0 + "s";
  }

  private String mask(String s) {
    return s == null ? null : scope.masker().mask(s);
  }

  /** A line of the job's own stream (step 0): set-up messages and job-level errors. */
  private void jobLog(String line) {
    if (jobLog == null) {
      jobLog = scope.log(0);
    }
    jobLog.runnerLine(line);
    jobLog.flush();
  }
}
