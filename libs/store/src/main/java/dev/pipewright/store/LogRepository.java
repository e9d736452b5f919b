package dev.pipewright.store;

import static dev.pipewright.store.Rows.NOW;
import static dev.pipewright.store.jooq.Tables.BUILD_LOGS;

import dev.pipewright.store.jooq.tables.records.BuildLogsRecord;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.stream.Collectors;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record2;
import org.jooq.impl.DSL;
import org.jooq.impl.SQLDataType;

/**
 * Log chunks in {@code build_logs}. Appends are idempotent per (stream, seq), so a writer that
 * retries never duplicates a chunk; what {@code text} cannot hold (NUL) is stored visibly escaped
 * ({@link LogText}), never refused. Cursors are the rows' identity values; appends to one build are
 * serialized (a transaction-scoped advisory lock on the build), so a build's cursors become visible
 * in increasing order and a follower reading "after cursor N" never misses a chunk that committed
 * late.
 */
public final class LogRepository {
  /** Build-level lines have no job key, job-level lines no step: stored as '' and 0. */
  private static final String NO_JOB = "";

  private static final int NO_STEP = 0;
  private static final int MAX_READ = 10_000;

  private final DSLContext dsl;

  public LogRepository(DSLContext dsl) {
    this.dsl = Objects.requireNonNull(dsl);
  }

  /** What an append stored: the chunks that were new and their content's size in UTF-8. */
  public record Appended(int chunks, long bytes) {
    static final Appended NONE = new Appended(0, 0);
  }

  /** Appends one chunk; returns false when that (stream, seq) was already stored. */
  public boolean append(UUID buildId, String jobKey, Integer stepNumber, long seq, String content) {
    return appendAll(List.of(new LogChunk(buildId, jobKey, stepNumber, seq, content))).chunks()
        == 1;
  }

  /**
   * Appends many chunks in one statement (one round trip), skipping those already stored. Returns
   * what was new.
   */
  public Appended appendAll(List<LogChunk> chunks) {
    if (chunks.isEmpty()) {
      return Appended.NONE;
    }
    return StoreErrors.call(
        () ->
            dsl.transactionResult(
                cfg -> {
                  DSLContext tx = cfg.dsl();
                  // Sorted, so two writers locking the same builds cannot deadlock.
                  chunks.stream()
                      .map(c -> lockKey(c.buildId()))
                      .distinct()
                      .sorted()
                      .forEach(key -> lockBuild(tx, key));
                  return insertAll(tx, chunks);
                }));
  }

  private static Appended insertAll(DSLContext tx, List<LogChunk> chunks) {
    var insert =
        tx.insertInto(
            BUILD_LOGS,
            BUILD_LOGS.BUILD_ID,
            BUILD_LOGS.JOB_KEY,
            BUILD_LOGS.STEP_NUMBER,
            BUILD_LOGS.SEQ,
            BUILD_LOGS.CONTENT,
            BUILD_LOGS.SOURCE_OFFSET,
            BUILD_LOGS.CREATED_AT);
    for (LogChunk c : chunks) {
      insert =
          insert.values(
              DSL.val(c.buildId()),
              DSL.val(jobKeyOf(c.jobKey())),
              DSL.val(stepOf(c.stepNumber())),
              DSL.val(c.seq()),
              DSL.val(LogText.storable(c.content())),
              DSL.val(c.sourceOffset(), BUILD_LOGS.SOURCE_OFFSET),
              NOW);
    }
    // The server knows the stored size without the client encoding every chunk a second time.
    Field<Integer> size = DSL.octetLength(BUILD_LOGS.CONTENT);
    List<Integer> sizes = insert.onConflictDoNothing().returningResult(size).fetch(size);
    return new Appended(sizes.size(), sizes.stream().mapToLong(Integer::longValue).sum());
  }

  /**
   * Chunks of a build after {@code afterCursor} (0 for the start), in cursor order, at most {@code
   * limit}. {@code jobKey} null: every stream of the build; a job key with a null step: the job's
   * own lines and all its steps'; both: that one step.
   */
  public List<LogEntry> read(
      UUID buildId, String jobKey, Integer stepNumber, long afterCursor, int limit) {
    if (jobKey == null && stepNumber != null) {
      throw new IllegalArgumentException("a step filter needs its job key");
    }
    Condition where = BUILD_LOGS.BUILD_ID.eq(buildId).and(BUILD_LOGS.ID.gt(afterCursor));
    if (jobKey != null) {
      where = where.and(BUILD_LOGS.JOB_KEY.eq(jobKey));
    }
    if (stepNumber != null) {
      where = where.and(BUILD_LOGS.STEP_NUMBER.eq(stepNumber));
    }
    Condition filter = where;
    int size = Math.max(1, Math.min(limit, MAX_READ));
    return StoreErrors.call(
        () ->
            dsl.selectFrom(BUILD_LOGS)
                .where(filter)
                .orderBy(BUILD_LOGS.ID)
                .limit(size)
                .fetch(LogRepository::entry));
  }

  /**
   * The UTF-8 bytes a build's log holds, every stream together: where the build's log cap starts
   * from for a worker that did not write all of it (an earlier attempt, another worker). The sizes
   * are read from the rows' headers, not by decompressing them.
   */
  public long storedBytes(UUID buildId) {
    Long bytes =
        StoreErrors.call(
            () ->
                dsl.select(DSL.sum(DSL.octetLength(BUILD_LOGS.CONTENT)))
                    .from(BUILD_LOGS)
                    .where(BUILD_LOGS.BUILD_ID.eq(buildId))
                    .fetchOne(0, Long.class));
    return bytes == null ? 0 : bytes;
  }

  /**
   * The highest seq stored for each stream of a job that has any, by step number (0 for the job's
   * own lines): a restarted writer continues after it. One statement for all the job's streams.
   */
  public Map<Integer, Long> lastSeqs(UUID buildId, String jobKey) {
    return StoreErrors.call(
        () ->
            dsl.select(BUILD_LOGS.STEP_NUMBER, DSL.max(BUILD_LOGS.SEQ))
                .from(BUILD_LOGS)
                .where(BUILD_LOGS.BUILD_ID.eq(buildId))
                .and(BUILD_LOGS.JOB_KEY.eq(jobKeyOf(jobKey)))
                .groupBy(BUILD_LOGS.STEP_NUMBER)
                .fetchMap(BUILD_LOGS.STEP_NUMBER, DSL.max(BUILD_LOGS.SEQ)));
  }

  /**
   * For each step stream of a job whose last chunk says it, how far into the step's command output
   * the stream has stored ({@code source_offset} of its highest seq): where a worker that
   * re-attaches to the running step goes on. Steps whose last chunk has none are absent.
   */
  public Map<Integer, Long> sourceOffsets(UUID buildId, String jobKey) {
    return StoreErrors.call(
        () ->
            dsl
                .selectDistinct(BUILD_LOGS.STEP_NUMBER, BUILD_LOGS.SOURCE_OFFSET)
                .on(BUILD_LOGS.STEP_NUMBER)
                .from(BUILD_LOGS)
                .where(BUILD_LOGS.BUILD_ID.eq(buildId))
                .and(BUILD_LOGS.JOB_KEY.eq(jobKeyOf(jobKey)))
                .and(BUILD_LOGS.STEP_NUMBER.gt(NO_STEP))
                .orderBy(BUILD_LOGS.STEP_NUMBER, BUILD_LOGS.SEQ.desc())
                .fetch()
                .stream()
                .filter(r -> r.value2() != null)
                .collect(Collectors.toMap(Record2::value1, Record2::value2)));
  }

  private static String jobKeyOf(String jobKey) {
    return jobKey == null ? NO_JOB : jobKey;
  }

  private static int stepOf(Integer stepNumber) {
    return stepNumber == null ? NO_STEP : stepNumber;
  }

  private static long lockKey(UUID buildId) {
    return buildId.getMostSignificantBits() ^ buildId.getLeastSignificantBits();
  }

  private static void lockBuild(DSLContext tx, long key) {
    tx.select(DSL.function(DSL.name("pg_advisory_xact_lock"), SQLDataType.OTHER, DSL.val(key)))
        .fetch();
  }

  private static LogEntry entry(BuildLogsRecord r) {
    return new LogEntry(
        r.getId(),
        NO_JOB.equals(r.getJobKey()) ? null : r.getJobKey(),
        r.getStepNumber() == NO_STEP ? null : r.getStepNumber(),
        r.getSeq(),
        r.getContent(),
        Rows.instant(r.getCreatedAt()));
  }
}
