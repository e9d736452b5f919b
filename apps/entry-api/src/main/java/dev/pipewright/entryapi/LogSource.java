package dev.pipewright.entryapi;

import dev.pipewright.api.ci.v1.LogChunk;
import java.util.List;
import java.util.UUID;

/** Log chunks after a cursor, in cursor order: the store's log table seen through the API. */
@FunctionalInterface
interface LogSource {
  /**
   * @param jobKey null for every job
   * @param stepNumber null for every step (only with a job key)
   */
  List<LogChunk> read(UUID buildId, String jobKey, Integer stepNumber, long afterCursor, int limit);
}
