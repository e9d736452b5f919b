package dev.pipewright.dag;

import dev.pipewright.parser.WorkflowParser;

/** The one call the API and the CLI make to turn workflow text into something runnable. */
public final class Workflows {
  private static final Planner PLANNER = new Planner();

  private Workflows() {}

  /**
   * Parses and plans a workflow.
   *
   * @param path the file name used in diagnostics
   * @throws dev.pipewright.parser.WorkflowException (INVALID_SPEC) with every problem found: the
   *     parser's, or else the planner's (dependency cycles)
   */
  public static LoadedWorkflow load(String yaml, String path) {
    var spec = new WorkflowParser().parse(yaml, path);
    return new LoadedWorkflow(spec, PLANNER.plan(spec));
  }

  /**
   * Parses and plans a workflow with its reusable workflow calls expanded: what the worker plans a
   * build with ({@link CallExpander}).
   *
   * @param path the workflow's path in its repository (names it in diagnostics and cycles)
   * @param source where the called workflows are read from
   * @throws dev.pipewright.parser.WorkflowException (INVALID_SPEC) as {@link #load(String,
   *     String)}, and for a called file that does not parse (at its own path:line:column), a cycle
   *     of calls, calls nested too deep, and inputs or secrets the called workflow refuses
   * @throws dev.pipewright.models.CiException TRANSIENT when a called workflow could not be fetched
   */
  public static LoadedWorkflow load(String yaml, String path, WorkflowSource source) {
    return CallExpander.expand(load(yaml, path), path, source);
  }
}
