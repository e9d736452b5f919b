package dev.pipewright.dag;

import dev.pipewright.parser.spec.JobSpec;
import dev.pipewright.parser.spec.WorkflowSpec;
import java.util.List;

/**
 * A job of a build and where it comes from once reusable workflow calls are expanded.
 *
 * @param id the job's id in the build: as written at the top level, {@code <caller key>.<id>} in a
 *     called workflow
 * @param job the job as written in its file
 * @param workflow the file it is written in (its env, defaults and file name apply)
 * @param call the call that runs it, or null at the top level
 * @param after jobs it waits for without needing them: a called workflow's first jobs wait for
 *     their caller's needs, which are not in their {@code needs} context
 * @param gates the {@code if:} of every call it is inside, outermost first
 * @param caller whether the job calls a reusable workflow: it runs no steps; it ends when its
 *     called jobs have, with their result and the called workflow's outputs
 */
public record PlacedJob(
    String id,
    JobSpec job,
    WorkflowSpec workflow,
    Call call,
    List<String> after,
    List<Gate> gates,
    boolean caller) {

  public PlacedJob {
    after = List.copyOf(after);
    gates = List.copyOf(gates);
  }

  /** A job of the top-level workflow that calls nothing. */
  static PlacedJob top(JobSpec job, WorkflowSpec workflow) {
    return new PlacedJob(job.id(), job, workflow, null, List.of(), List.of(), false);
  }

  /** What its name is prefixed with: the caller instance's name and " / ", or nothing. */
  public String namePrefix() {
    return call == null ? "" : call.name() + " / ";
  }
}
