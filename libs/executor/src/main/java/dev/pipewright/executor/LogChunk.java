package dev.pipewright.executor;

/**
 * A batch of log lines of one step, each line ending with {@code \n}, already masked.
 *
 * @param stepNumber 1-based step number; 0 is the job's own stream (set-up messages)
 * @param seq 1-based, gapless and increasing per (build, job, step): the store keeps the first
 *     chunk written with a given seq and ignores repeats, so a retried writer never duplicates
 */
public record LogChunk(String buildId, String jobKey, int stepNumber, long seq, String content) {}
