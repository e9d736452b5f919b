package dev.pipewright.store;

import java.time.Instant;

/**
 * A stored chunk. {@code cursor} orders all chunks of a build in the order they were committed:
 * pass the last one seen to {@link LogRepository#read} to continue.
 */
public record LogEntry(
    long cursor, String jobKey, Integer stepNumber, long seq, String content, Instant createdAt) {}
