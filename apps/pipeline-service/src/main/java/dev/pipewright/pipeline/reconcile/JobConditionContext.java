package dev.pipewright.pipeline.reconcile;

import dev.pipewright.executor.NeedResult;
import java.util.Map;

/**
 * What a job-level expression may see: the {@code needs} context, the instance's matrix (for {@code
 * continue-on-error}) and the values of the status functions.
 *
 * @param needs result and outputs of each direct need, from {@link Needs}
 * @param matrix the instance's matrix cell; empty for job-level {@code if:}
 * @param success all direct needs succeeded
 * @param failure some ancestor job failed
 * @param cancelled the build is being cancelled
 */
public record JobConditionContext(
    Map<String, NeedResult> needs,
    Map<String, Object> matrix,
    boolean success,
    boolean failure,
    boolean cancelled) {}
