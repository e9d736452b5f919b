package dev.pipewright.pipeline.reconcile;

/**
 * Evaluates a job-level expression to a boolean, as written: the implicit {@code success() && } of
 * an {@code if:} without status function is added by the {@link Reconciler}, not here.
 */
@FunctionalInterface
public interface ConditionEvaluator {
  boolean test(String expression, JobConditionContext context);
}
