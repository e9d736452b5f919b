package dev.pipewright.expressions;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * The values an expression reads. Contexts are plain Java values: null, Boolean, any Number,
 * String, {@code List<?>} and {@code Map<String, ?>} (nested freely). Property lookup in maps is
 * case-insensitive, as on GitHub.
 */
public interface EvalContext {

  /**
   * The value of a top-level context ({@code github}, {@code env}, ...), or null when unset. The
   * name is always lower case.
   */
  Object context(String name);

  /** State of the previous steps / needed jobs, for the status functions. */
  default JobState jobState() {
    return JobState.SUCCESS;
  }

  /**
   * Runner-provided {@code hashFiles(...)}: the SHA-256 of the matched files, or an empty string
   * when nothing matches. Contexts without a workspace cannot compute it and throw.
   */
  default String hashFiles(List<String> patterns) {
    throw new ExpressionException("hashFiles() is not available in this context", 1);
  }

  static Builder builder() {
    return new Builder();
  }

  /** An empty context: every context is null, the job state is success. */
  static EvalContext empty() {
    return builder().build();
  }

  /** Builds an immutable {@link EvalContext}. */
  final class Builder {
    private final Map<String, Object> contexts = new HashMap<>();
    private JobState jobState = JobState.SUCCESS;
    private Function<List<String>, String> hashFiles;

    private Builder() {}

    /** Sets a context; the name is matched case-insensitively. A null value unsets it. */
    public Builder context(String name, Object value) {
      String key = name.toLowerCase(Locale.ROOT);
      if (value == null) {
        contexts.remove(key);
      } else {
        contexts.put(key, value);
      }
      return this;
    }

    public Builder contexts(Map<String, ?> values) {
      values.forEach(this::context);
      return this;
    }

    public Builder jobState(JobState state) {
      this.jobState = Objects.requireNonNull(state, "state");
      return this;
    }

    public Builder hashFiles(Function<List<String>, String> hasher) {
      this.hashFiles = Objects.requireNonNull(hasher, "hasher");
      return this;
    }

    public EvalContext build() {
      return new BuiltContext(Map.copyOf(contexts), jobState, hashFiles);
    }
  }
}
