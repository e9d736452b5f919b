package dev.pipewright.executor.engine;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Post steps run the last registered first (ExecutionContext.RegisterPostJobStep pushes them on a
 * stack); the checkpoint keeps those not run yet in the order they were registered.
 */
class PostStepsTest {
  private static PostSteps.Post post(String prefix, String name) {
    return new PostSteps.Post(
        PostSteps.saved(prefix, false, name, "always()", "__run"),
        (log, survives) -> {
          throw new AssertionError("not run here");
        });
  }

  @Test
  void theCommandPrefixSaysWhichStep() {
    assertThat(PostSteps.saved("step-3.k2j4x", false, "Post a", "always()", "greet"))
        .isEqualTo(new PostSteps.Saved(3, false, "Post a", "always()", "greet"));
    assertThat(PostSteps.saved("step-12.k2j4x.c2", true, "Post b", "failure()", null))
        .isEqualTo(new PostSteps.Saved(12, true, "Post b", "failure()", null));
  }

  /**
   * What the steps of a composite action register is the action's, not the job's
   * (ExecutionContext.RegisterPostJobStep keeps an embedded step's post off the job's stack).
   */
  @Test
  void insideACompositeActionThePostsAreTheActionsNotTheJobs() {
    PostSteps posts = new PostSteps();
    posts.register(post("step-1.s", "Post before"));
    posts.enter();
    posts.register(post("step-2.s.c1", "Post inner one"));
    posts.enter();
    posts.register(post("step-2.s.c2.c1", "Post nested"));
    assertThat(posts.leave())
        .extracting(p -> p.saved().displayName())
        .containsExactly("Post nested");
    posts.register(post("step-2.s.c3", "Post inner three"));
    assertThat(posts.leave())
        .extracting(p -> p.saved().displayName())
        .containsExactly("Post inner three", "Post inner one");
    assertThat(posts.pending())
        .extracting(PostSteps.Saved::displayName)
        .containsExactly("Post before");
  }

  @Test
  void theLastRegisteredRunsFirstAndThoseLeftAreKeptInRegistrationOrder() {
    PostSteps posts = new PostSteps();
    posts.register(post("step-1.s", "Post first"));
    posts.register(post("step-2.s", "Post second"));
    posts.register(post("step-3.s", "Post third"));

    assertThat(posts.next().saved().displayName()).isEqualTo("Post third");
    assertThat(posts.pending())
        .extracting(PostSteps.Saved::displayName)
        .containsExactly("Post first", "Post second");
    assertThat(posts.next().saved().displayName()).isEqualTo("Post second");
    assertThat(posts.next().saved().displayName()).isEqualTo("Post first");
    assertThat(posts.next()).isNull();
    assertThat(posts.pending()).isEmpty();
  }
}
