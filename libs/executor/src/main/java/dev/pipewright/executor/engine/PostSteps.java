package dev.pipewright.executor.engine;

import dev.pipewright.executor.LogChunker;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * The steps an action handler adds to the end of the job (or, inside a composite action, to the end
 * of that action): a JavaScript action's {@code post}, and whatever other kind of action has one.
 * actions/runner's ActionRunner.cs registers an action's post step when its main step runs (so a
 * skipped main registers none), whatever the main step then comes to;
 * ExecutionContext.RegisterPostJobStep pushes it on a stack, so they run in reverse order, each
 * under its {@code post-if} evaluated against the job's status at that time. The job's thread only.
 */
final class PostSteps {
  /** What a post step runs, once its condition held. */
  interface Body {
    /**
     * @param log the post step's own log
     * @param survivesCancel whether its condition holds under a cancellation
     */
    StepOutcome run(LogChunker log, boolean survivesCancel) throws IOException;
  }

  /**
   * One registered post step.
   *
   * @param displayName {@code Post <the step's name>}
   * @param condition its {@code post-if} (GitHub's default {@code always()})
   */
  record Post(String displayName, String condition, Body body) {}

  private final Deque<Post> stack = new ArrayDeque<>();

  void register(Post post) {
    stack.push(post);
  }

  /** The registered steps, the last registered first; the list is emptied. */
  List<Post> takeInRunOrder() {
    List<Post> order = List.copyOf(stack);
    stack.clear();
    return order;
  }
}
