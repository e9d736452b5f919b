package dev.pipewright.executor.engine;

import dev.pipewright.executor.JobRun;
import dev.pipewright.executor.StepResult;
import dev.pipewright.models.ErrorCode;
import dev.pipewright.models.StepStatus;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The engine's side of a job attempt's {@link JobCheckpoint}: it gathers the state from the job's
 * context, its step driver and its masker and writes it through the host's files after each step
 * and when a step's command starts (on a host that {@link
 * dev.pipewright.executor.host.JobHost#supportsReattach}), and puts a checkpoint's state back into
 * them. It also keeps the job's first error, which the checkpoint carries. The job's thread only.
 */
final class Checkpoints {
  private final JobScope scope;
  private final JobRun run;
  private final JobContext ctx;
  private final StepDriver driver;
  private final PostSteps posts;
  private final long deadlineEpochMillis;
  private final List<StepStatus> statuses = new ArrayList<>();
  private ErrorCode firstCode;
  private String firstMessage;
  private int addedSteps;

  Checkpoints(
      JobScope scope,
      JobContext ctx,
      StepDriver driver,
      PostSteps posts,
      long deadlineEpochMillis) {
    this.scope = scope;
    this.run = scope.run();
    this.ctx = ctx;
    this.driver = driver;
    this.posts = posts;
    this.deadlineEpochMillis = deadlineEpochMillis;
  }

  /** Puts an earlier worker's state back: the engine goes on after its last finished step. */
  void restore(JobCheckpoint c) {
    statuses.addAll(c.statuses());
    firstCode = c.firstErrorCode();
    firstMessage = c.firstErrorMessage();
    addedSteps = c.addedSteps();
    ctx.restore(c);
    driver.restore(c);
    scope.masker().addAll(c.masks());
    if (c.cancelReason() != null) {
      scope.cancellation().request(c.cancelReason());
    }
  }

  /** The steps finished so far: the next one to run is this + 1. */
  int stepsDone() {
    return statuses.size();
  }

  /** How many pre and post steps ran (or started) so far, by this worker and earlier ones. */
  int addedSteps() {
    return addedSteps;
  }

  /**
   * A pre or post step takes the next number (a post step is off the list by then): the checkpoint
   * says so, so that a successor numbers its own after it and runs no post step twice. One cut off
   * by the worker's end is not run again, as a step of the job's is not started twice.
   */
  void addedStepStarting() throws IOException {
    addedSteps++;
    write(null);
  }

  ErrorCode firstCode() {
    return firstCode;
  }

  String firstMessage() {
    return firstMessage;
  }

  /**
   * A step finished and was reported: its result counts, the checkpoint says so, and its files,
   * which the checkpoint now holds, go.
   *
   * @param result before masking (the first error's message is masked when the job ends)
   */
  void stepDone(StepResult result, StepStatus reported) throws IOException {
    if (result.errorCode() != null && "failure".equals(result.conclusion()) && firstCode == null) {
      firstCode = result.errorCode();
      firstMessage = result.errorMessage();
    }
    statuses.add(reported);
    write(null);
    driver.handover().checkpointed();
  }

  /** {@code progress}, writing the checkpoint when a step's command is about to start. */
  JobEngine.Progress around(JobEngine.Progress progress) {
    return new JobEngine.Progress() {
      @Override
      public void stepStarted(int number, String name) {
        progress.stepStarted(number, name);
      }

      @Override
      public void stepFinished(int number, StepResult result) {
        progress.stepFinished(number, result);
      }

      @Override
      public void addedStepStarted(int number, String name) {
        progress.addedStepStarted(number, name);
      }

      @Override
      public void addedStepFinished(int number, String name, StepResult result) {
        progress.addedStepFinished(number, name, result);
      }

      @Override
      public void preparing(boolean preparing) {
        progress.preparing(preparing);
      }

      @Override
      public void commandStarting(int number, String id) throws IOException {
        write(new JobCheckpoint.Running(number, id, System.currentTimeMillis()));
        progress.commandStarting(number, id);
      }
    };
  }

  private void write(JobCheckpoint.Running running) throws IOException {
    if (!scope.host().supportsReattach()) {
      // Nobody could use it: a job of this host dies with its worker. (On a container host each
      // write would be a command in the container.)
      return;
    }
    JobCheckpoint c =
        new JobCheckpoint(
            JobCheckpoint.FORMAT,
            JobCheckpoint.jobName(run.ref()),
            run.attempt(),
            statuses.size(),
            statuses,
            driver.handover().fileEnv(),
            driver.handover().pathAdditions(),
            ctx.stepRecords(),
            driver.handover().generatedIds(),
            addedMasks(),
            ctx.state().failed(),
            ctx.cancelled(),
            scope.cancellation().reason(),
            firstCode,
            firstMessage,
            deadlineEpochMillis,
            running,
            addedSteps,
            driver.stageStates(),
            posts.pending());
    scope
        .host()
        .files()
        .write(JobCheckpoint.path(scope.host().paths(), run.attempt()), c.toBytes());
  }

  /**
   * The masker's values beyond the run's secrets and token, which come with the run again (a
   * resumed job gets a new token; the old one is not written to its checkpoint).
   */
  private List<String> addedMasks() {
    Set<String> secrets = new HashSet<>(run.maskedValues());
    return scope.masker().values().stream().filter(v -> !secrets.contains(v)).toList();
  }
}
