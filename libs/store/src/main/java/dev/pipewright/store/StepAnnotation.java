package dev.pipewright.store;

/**
 * One {@code ::error}, {@code ::warning} or {@code ::notice} annotation of a step as stored.
 *
 * @param level {@code error}, {@code warning} or {@code notice}
 * @param file relative to the workspace when it was under it; may be null, as may every position
 *     and {@code title}
 */
public record StepAnnotation(
    String level,
    String message,
    String file,
    Integer line,
    Integer column,
    Integer endLine,
    Integer endColumn,
    String title) {}
