package dev.pipewright.pipeline.reconcile;

import java.util.List;

/**
 * What the reconciler needs to know about one workflow job, whatever its instances are.
 *
 * @param ifCondition the job's {@code if:} text without {@code ${{ }}}, or null
 * @param continueOnError {@code "true"}, {@code "false"}, an expression (evaluated per instance
 *     with its matrix), or null for false
 * @param failFast {@code strategy.fail-fast}: a failed instance cancels its unfinished siblings
 * @param maxParallel {@code strategy.max-parallel}, or null when unbounded
 * @param dynamicMatrix the matrix is an expression over {@code needs}: instances are only known
 *     once the needs finished, until then the job has a single placeholder instance
 */
public record JobNode(
    String id,
    List<String> needs,
    String ifCondition,
    String continueOnError,
    boolean failFast,
    Integer maxParallel,
    boolean dynamicMatrix) {

  public JobNode {
    needs = List.copyOf(needs);
  }

  /** A job without strategy, condition or continue-on-error. */
  public static JobNode simple(String id, String... needs) {
    return new JobNode(id, List.of(needs), null, null, true, null, false);
  }
}
