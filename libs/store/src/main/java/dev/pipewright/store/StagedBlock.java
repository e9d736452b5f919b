package dev.pipewright.store;

/**
 * A block staged by Put Block for an upload (an artifact or a cache entry), before its commit: the
 * blob store's part that holds its bytes.
 */
public record StagedBlock(String blockId, String part, long size) {}
