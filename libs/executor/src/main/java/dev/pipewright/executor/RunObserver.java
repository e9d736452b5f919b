package dev.pipewright.executor;

/**
 * Edge-triggered news from a runner; {@link JobRunner#status} is the level-triggered truth. Calls
 * for one job come in order from one thread; calls for different jobs may be concurrent. A runner
 * logs and swallows what an observer throws, so the orchestrator must treat callbacks as hints and
 * reconcile from {@code status} (which also covers callbacks lost in a worker crash).
 *
 * <p>Step numbers are 1-based ({@code StepSpec.index() + 1}), matching the step rows.
 */
public interface RunObserver {
  RunObserver NONE = new RunObserver() {};

  /** The job left the queue: its first step is about to be evaluated. */
  default void jobStarted(JobRef job) {}

  /** A step's {@code if:} passed and it begins. Not called for skipped steps. */
  default void stepStarted(JobRef job, int stepNumber, String name) {}

  /** Called exactly once per step, in order, whether it ran, was skipped or was cancelled. */
  default void stepFinished(JobRef job, int stepNumber, StepResult result) {}

  /**
   * A step an action added to the job began: a JavaScript action's {@code Pre <step>} before the
   * job's first step or its {@code Post <step>} after the last (GitHub shows them as steps). They
   * are numbered after the job's own steps, in the order they run, and their log is that number's
   * stream; they are not in {@link JobSnapshot#steps}.
   */
  default void addedStepStarted(JobRef job, int stepNumber, String name) {}

  /** An added step ended, or was skipped by its {@code pre-if} / {@code post-if}. */
  default void addedStepFinished(JobRef job, int stepNumber, String name, StepResult result) {}

  /** Called exactly once per started job, after every {@code stepFinished} and log flush. */
  default void jobFinished(JobRef job, JobResult result) {}
}
