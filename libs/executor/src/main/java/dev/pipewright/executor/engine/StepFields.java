package dev.pipewright.executor.engine;

import dev.pipewright.executor.LogChunker;
import dev.pipewright.expressions.ExpressionException;
import dev.pipewright.parser.spec.StepSpec;
import java.time.Duration;
import java.util.Map;

/**
 * The fields of a step that do not decide whether it runs, evaluated as actions/runner's
 * StepsRunner.cs evaluates them once it does: its {@code name}, {@code timeout-minutes} and {@code
 * continue-on-error}. A field that does not evaluate does not stop the step; StepsRunner logs why
 * and goes on without it. The same for the job's steps, an action's inner steps and its stages.
 */
final class StepFields {
  private StepFields() {}

  /** The step's name as its log shows it: {@code name:} rendered, else GitHub's default. */
  static String displayName(StepSpec step, JobContext ctx, Map<String, String> env) {
    if (step.name() == null) {
      return step.displayName();
    }
    try {
      return ctx.render(step.name(), env);
    } catch (ExpressionException e) {
      return step.name();
    }
  }

  /**
   * The step's {@code timeout-minutes}, or null. StepsRunner logs an error and runs the step
   * without a timeout when it cannot be determined.
   */
  static Duration timeout(StepSpec step, JobContext ctx, Map<String, String> env, LogChunker log) {
    try {
      return ctx.minutes(step.timeoutMinutes(), env);
    } catch (ExpressionException | IllegalArgumentException e) {
      log.runnerLine("##[error]An error occurred when attempting to determine the step timeout.");
      log.runnerLine("##[error]" + e.getMessage());
      return null;
    }
  }

  /**
   * The step's own {@link #timeout} (null: none) and what it fails with when it reaches it, for
   * {@link StepDeadlines}.
   */
  static StepDeadlines.Limit ownLimit(
      StepSpec step, JobContext ctx, Map<String, String> env, LogChunker log) {
    Duration own = timeout(step, ctx, env, log);
    return new StepDeadlines.Limit(
        own, own == null ? null : StepDeadlines.message(displayName(step, ctx, env), own));
  }

  /**
   * The step's {@code continue-on-error}; false, with the error logged, when it does not evaluate.
   */
  static boolean continueOnError(
      StepSpec step, JobContext ctx, Map<String, String> env, LogChunker log) {
    try {
      return ctx.flag(step.continueOnError(), env);
    } catch (ExpressionException e) {
      log.runnerLine("##[error]continue-on-error: " + e.getMessage());
      return false;
    }
  }
}
