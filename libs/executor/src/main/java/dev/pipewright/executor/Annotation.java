package dev.pipewright.executor;

/**
 * An {@code ::error}, {@code ::warning} or {@code ::notice} workflow command a step printed. The
 * message is already masked.
 *
 * @param file may be null, as may {@code line} and {@code title}
 */
public record Annotation(Level level, String message, String file, Integer line, String title) {
  public enum Level {
    ERROR,
    WARNING,
    NOTICE
  }
}
