package dev.pipewright.executor;

import java.util.Locale;

/**
 * An {@code ::error}, {@code ::warning} or {@code ::notice} workflow command a step printed, with
 * the properties GitHub keeps ({@code file}, {@code line}, {@code col}, {@code endLine}, {@code
 * endColumn}, {@code title}; actions/runner ActionCommandManager.cs IssueCommandExtension and
 * IssueExtensions.cs ToAnnotation). The message and title are already masked.
 *
 * @param file relative to the workspace when it was under it, as GitHub makes it; may be null
 * @param line may be null, as may every position and {@code title}
 * @param endLine {@code line} when the command gave none
 * @param endColumn {@code column} when the command gave none
 */
public record Annotation(
    Level level,
    String message,
    String file,
    Integer line,
    Integer column,
    Integer endLine,
    Integer endColumn,
    String title) {
  public enum Level {
    ERROR,
    WARNING,
    NOTICE
  }

  /** The level as the workflow command names it: {@code error}, {@code warning}, {@code notice}. */
  public String levelName() {
    return level.name().toLowerCase(Locale.ROOT);
  }
}
