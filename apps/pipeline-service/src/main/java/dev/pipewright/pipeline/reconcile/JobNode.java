package dev.pipewright.pipeline.reconcile;

import dev.pipewright.dag.Gate;
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
 * @param after jobs it waits for without reading them: a called workflow's first jobs wait for
 *     their caller's needs
 * @param gates the {@code if:} of each reusable workflow call the job is inside, outermost first:
 *     it is skipped when one of them is false
 */
public record JobNode(
    String id,
    List<String> needs,
    String ifCondition,
    String continueOnError,
    boolean failFast,
    Integer maxParallel,
    boolean dynamicMatrix,
    List<String> after,
    List<Gate> gates) {

  public JobNode {
    needs = List.copyOf(needs);
    after = after == null ? List.of() : List.copyOf(after);
    gates = gates == null ? List.of() : List.copyOf(gates);
  }

  /** A job outside any reusable workflow call. */
  public JobNode(
      String id,
      List<String> needs,
      String ifCondition,
      String continueOnError,
      boolean failFast,
      Integer maxParallel,
      boolean dynamicMatrix) {
    this(id, needs, ifCondition, continueOnError, failFast, maxParallel, dynamicMatrix, null, null);
  }

  /** Everything it waits for: its needs, then what it only runs after. */
  public List<String> waitsFor() {
    if (after.isEmpty()) {
      return needs;
    }
    return java.util.stream.Stream.concat(needs.stream(), after.stream()).distinct().toList();
  }

  /** A job without strategy, condition or continue-on-error. */
  public static JobNode simple(String id, String... needs) {
    return new JobNode(id, List.of(needs), null, null, true, null, false);
  }
}
