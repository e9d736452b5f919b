package dev.pipewright.models;

import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * The legal moves of one state machine, kept as data so that the store can turn them into guarded
 * updates ({@code WHERE status IN (sourcesOf(target))}) and tests can enumerate them.
 */
public final class Transitions<S extends Enum<S>> {
  private final Class<S> type;
  private final Map<S, Set<S>> next;

  private Transitions(Class<S> type, Map<S, Set<S>> next) {
    this.type = type;
    this.next = next;
  }

  public static <S extends Enum<S>> Builder<S> of(Class<S> type) {
    return new Builder<>(type);
  }

  public boolean allowed(S from, S to) {
    return next.getOrDefault(from, Set.of()).contains(to);
  }

  /** The states a row may be in for a move to {@code to} to be legal. */
  public Set<S> sourcesOf(S to) {
    EnumSet<S> sources = EnumSet.noneOf(type);
    next.forEach(
        (from, targets) -> {
          if (targets.contains(to)) {
            sources.add(from);
          }
        });
    return Collections.unmodifiableSet(sources);
  }

  public Set<S> targetsOf(S from) {
    return next.getOrDefault(from, Set.of());
  }

  /** Refuses an illegal move with a {@link ErrorCode#CONFLICT}. */
  public void check(S from, S to) {
    if (!allowed(from, to)) {
      throw new CiException(
          ErrorCode.CONFLICT, type.getSimpleName() + " cannot move from " + from + " to " + to);
    }
  }

  public static final class Builder<S extends Enum<S>> {
    private final Class<S> type;
    private final Map<S, Set<S>> next;

    private Builder(Class<S> type) {
      this.type = type;
      this.next = new EnumMap<>(type);
    }

    @SafeVarargs
    public final Builder<S> from(S from, S... to) {
      EnumSet<S> targets = EnumSet.noneOf(type);
      targets.addAll(Set.of(to));
      next.put(from, Collections.unmodifiableSet(targets));
      return this;
    }

    public Transitions<S> build() {
      return new Transitions<>(type, Collections.unmodifiableMap(new EnumMap<>(next)));
    }
  }
}
