package dev.pipewright.executor.engine;

import dev.pipewright.executor.LogChunker;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * The steps an action handler adds to the end of the job (or, inside a composite action, to the end
 * of that action): a JavaScript action's {@code post}, and whatever other kind of action has one.
 * actions/runner's ActionRunner.cs registers an action's post step when its main step runs (so a
 * skipped main registers none), whatever the main step then comes to;
 * ExecutionContext.RegisterPostJobStep pushes it on a stack, so they run in reverse order, each
 * under its {@code post-if} evaluated against the job's status at that time. While a composite
 * action's steps run, their actions' posts go to that action instead ({@link #enter}, {@link
 * #leave}): RegisterPostJobStep keeps an embedded step's post off the job's stack, and the
 * composite action's own post step runs them (CompositeActionHandler). Each is also kept as a
 * {@link Saved} for the job's checkpoint, from which a worker that takes the job over registers
 * those of the job's own steps again. The job's thread only.
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

  /** One registered post step: what it is, and what it runs. */
  record Post(Saved saved, Body body) {}

  /**
   * A post step as a checkpoint keeps it: enough to make it again from the job's step and its
   * action, which the successor loads again.
   *
   * @param step the number of the job's step whose action registered it
   * @param composite a composite action's, which runs the posts of the actions inside it: not made
   *     again (their inputs and env went with the worker that ran them), and the job's log says so
   * @param displayName {@code Post <the step's name>}
   * @param condition its {@code post-if} (GitHub's default {@code always()})
   * @param actionName the {@code github.action} its stages saw
   */
  record Saved(
      int step, boolean composite, String displayName, String condition, String actionName) {}

  /**
   * What a checkpoint keeps of a post step registered under the command prefix {@code prefix}
   * ({@code step-3.k2j4x} for the job's step 3, {@code step-3.k2j4x.c2} for an action inside the
   * composite one it runs, as {@link CompositeSteps#run} names them).
   *
   * @param actionName the {@code github.action} context value its stages saw, or null
   */
  static Saved saved(
      String prefix, boolean composite, String displayName, String condition, Object actionName) {
    int step = Integer.parseInt(prefix.substring("step-".length(), prefix.indexOf('.')));
    return new Saved(
        step, composite, displayName, condition, actionName == null ? null : actionName.toString());
  }

  private final Deque<Post> stack = new ArrayDeque<>();

  /** The posts registered inside the composite actions running now, the innermost first. */
  private final Deque<Deque<Post>> composites = new ArrayDeque<>();

  void register(Post post) {
    (composites.isEmpty() ? stack : composites.peek()).push(post);
  }

  /** A composite action's steps start: what they register is the action's. */
  void enter() {
    composites.push(new ArrayDeque<>());
  }

  /** The composite action's steps ended: what they registered, the last registered first. */
  List<Post> leave() {
    return List.copyOf(composites.pop());
  }

  /** The next one to run, the last registered first; null when none is left. */
  Post next() {
    return stack.poll();
  }

  /** Those not run yet, in the order they were registered (a checkpoint's order). */
  List<Saved> pending() {
    List<Saved> saved = new ArrayList<>();
    stack.descendingIterator().forEachRemaining(p -> saved.add(p.saved()));
    return saved;
  }
}
