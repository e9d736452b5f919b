package dev.pipewright.expressions;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/** What {@link EvalContext.Builder} builds. */
record BuiltContext(
    Map<String, Object> contexts, JobState state, Function<List<String>, String> hasher)
    implements EvalContext {
  @Override
  public Object context(String name) {
    return contexts.get(name.toLowerCase(Locale.ROOT));
  }

  @Override
  public JobState jobState() {
    return state;
  }

  @Override
  public String hashFiles(List<String> patterns) {
    if (hasher == null) {
      return EvalContext.super.hashFiles(patterns);
    }
    return hasher.apply(List.copyOf(patterns));
  }
}
