package dev.pipewright.kubernetes.operator;

import java.util.Optional;

/**
 * The orchestrator as the PipelineRun reconciler drives it, implemented by the worker. Both calls
 * are level-triggered and idempotent: the reconciler calls them on every event of the run, its Jobs
 * and its Pods, and again on a timer while the build is not finished.
 */
public interface BuildReconciler {

  /**
   * One pass of the build's reconcile loop (read DB and runner state, start what is ready, record
   * transitions) and the build as it stands afterwards; empty when the build is not in this
   * installation's database, which says nothing about how the build went.
   *
   * @throws dev.pipewright.models.CiException when the pass failed; retryable codes are retried by
   *     the operator with back-off
   */
  Optional<BuildProgress> reconcile(String buildId);

  /** Cancels the build: its PipelineRun was deleted or asked to cancel. */
  void cancel(String buildId);
}
