package dev.pipewright.entryapi;

import dev.pipewright.api.ci.v1.LogChunk;
import dev.pipewright.store.LogEntry;
import dev.pipewright.store.LogRepository;

/**
 * The store's {@link LogRepository} seen as API log chunks. The cursor is the chunk's row id, which
 * grows with every insert, so "after the cursor" never skips nor repeats a chunk of a build.
 */
final class StoreLogs {
  private StoreLogs() {}

  static LogSource source(LogRepository logs) {
    return (buildId, jobKey, stepNumber, afterCursor, limit) ->
        logs.read(buildId, jobKey, stepNumber, afterCursor, limit).stream()
            .map(StoreLogs::chunk)
            .toList();
  }

  static LogChunk chunk(LogEntry entry) {
    LogChunk.Builder chunk =
        LogChunk.newBuilder()
            .setJobKey(entry.jobKey() == null ? "" : entry.jobKey())
            .setStepNumber(entry.stepNumber() == null ? 0 : entry.stepNumber())
            .setSequence(entry.seq())
            .setContent(entry.content())
            .setCursor(Long.toString(entry.cursor()));
    if (entry.createdAt() != null) {
      chunk.setCreateTime(Protos.timestamp(entry.createdAt()));
    }
    return chunk.build();
  }
}
