package dev.pipewright.parser.spec;

/**
 * {@code strategy:}. {@code failFast} defaults to true; {@code maxParallel} null means unbounded.
 */
public record StrategySpec(MatrixSpec matrix, boolean failFast, Integer maxParallel) {}
