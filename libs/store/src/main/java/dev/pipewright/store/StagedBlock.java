package dev.pipewright.store;

/** A blob staged by Put Block for an upload (an artifact or a cache entry), before its commit. */
public record StagedBlock(String blockId, String blobSha256, long size) {}
