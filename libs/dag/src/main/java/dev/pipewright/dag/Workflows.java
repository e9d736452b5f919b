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
}
