package dev.pipewright.parser.spec;

/** {@code concurrency:} at workflow or job level; both fields may be expressions. */
public record Concurrency(String group, String cancelInProgress) {}
