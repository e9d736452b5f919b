package dev.pipewright.entryapi;

import static dev.pipewright.store.jooq.Tables.BUILD_LOGS;

import dev.pipewright.api.ci.v1.LogChunk;
import dev.pipewright.models.CiException;
import dev.pipewright.models.ErrorCode;
import dev.pipewright.store.jooq.tables.records.BuildLogsRecord;
import java.sql.SQLTransientException;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.exception.DataAccessException;

/**
 * Reads {@code build_logs} for the API. The cursor is the chunk's row id, which grows with every
 * insert, so "after the cursor" never skips nor repeats a chunk of a build.
 */
final class StoreLogs {
  private StoreLogs() {}

  static LogSource source(DSLContext dsl) {
    return (buildId, jobKey, stepNumber, afterCursor, limit) -> {
      Condition where = BUILD_LOGS.BUILD_ID.eq(buildId).and(BUILD_LOGS.ID.gt(afterCursor));
      if (jobKey != null) {
        where = where.and(BUILD_LOGS.JOB_KEY.eq(jobKey));
      }
      if (stepNumber != null) {
        where = where.and(BUILD_LOGS.STEP_NUMBER.eq(stepNumber));
      }
      try {
        return dsl.selectFrom(BUILD_LOGS)
            .where(where)
            .orderBy(BUILD_LOGS.ID)
            .limit(limit)
            .fetch(StoreLogs::chunk);
      } catch (DataAccessException e) {
        // Only a lost or refused connection is worth retrying; anything else is a bug.
        boolean lost =
            e.getCause() instanceof SQLTransientException || e.sqlState().startsWith("08");
        throw new CiException(
            lost ? ErrorCode.TRANSIENT : ErrorCode.PERMANENT, "database: " + e.getMessage(), e);
      }
    };
  }

  private static LogChunk chunk(BuildLogsRecord r) {
    LogChunk.Builder chunk =
        LogChunk.newBuilder()
            .setJobKey(r.getJobKey())
            .setStepNumber(r.getStepNumber())
            .setSequence(r.getSeq())
            .setContent(r.getContent())
            .setCursor(Long.toString(r.getId()));
    if (r.getCreatedAt() != null) {
      chunk.setCreateTime(Protos.timestamp(r.getCreatedAt().toInstant()));
    }
    return chunk.build();
  }
}
