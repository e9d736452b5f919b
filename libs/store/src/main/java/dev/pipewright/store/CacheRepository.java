package dev.pipewright.store;

import static dev.pipewright.store.Rows.NOW;
import static dev.pipewright.store.jooq.Tables.CACHES;
import static dev.pipewright.store.jooq.Tables.CACHE_BLOCKS;

import dev.pipewright.models.CiException;
import dev.pipewright.models.ErrorCode;
import dev.pipewright.store.jooq.tables.records.CachesRecord;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;

/**
 * Cache entries and the references from them to blobs, released as {@link BlobReferences} says. An
 * entry is unique by repository, scope, key and version, created once: a second create of the same
 * is a {@code CONFLICT} whether the first finished or not (GitHub's "another job may be creating
 * this cache"); an upload never finalized is swept.
 */
public final class CacheRepository implements UploadRows {
  private static final StagedBlocks BLOCKS =
      new StagedBlocks(
          CACHE_BLOCKS,
          CACHE_BLOCKS.CACHE_ID,
          CACHE_BLOCKS.BLOCK_ID,
          CACHE_BLOCKS.PART,
          CACHE_BLOCKS.SIZE);
  private final DSLContext dsl;

  public CacheRepository(DSLContext dsl) {
    this.dsl = Objects.requireNonNull(dsl);
  }

  /**
   * @throws CiException CONFLICT when the entry exists
   */
  public CacheRow create(String repository, String scope, String key, String version) {
    return StoreErrors.call(
        () -> {
          CachesRecord r =
              dsl.insertInto(CACHES)
                  .set(CACHES.REPOSITORY, repository)
                  .set(CACHES.SCOPE, scope)
                  .set(CACHES.CACHE_KEY, key)
                  .set(CACHES.VERSION, version)
                  .onConflictDoNothing()
                  .returning()
                  .fetchOne();
          if (r == null) {
            throw new CiException(
                ErrorCode.CONFLICT,
                "a cache with key " + key + " and this version exists in " + scope);
          }
          return row(r);
        });
  }

  public Optional<CacheRow> find(long id) {
    return StoreErrors.call(
        () ->
            dsl.selectFrom(CACHES)
                .where(CACHES.ID.eq(id))
                .fetchOptional()
                .map(CacheRepository::row));
  }

  public Optional<CacheRow> find(String repository, String scope, String key, String version) {
    return StoreErrors.call(
        () ->
            dsl.selectFrom(CACHES)
                .where(
                    CACHES.REPOSITORY.eq(repository),
                    CACHES.SCOPE.eq(scope),
                    CACHES.CACHE_KEY.eq(key),
                    CACHES.VERSION.eq(version))
                .fetchOptional()
                .map(CacheRepository::row));
  }

  /**
   * The finalized entries of {@code version} in {@code scopes} whose key starts with one of {@code
   * prefixes}: what a restore chooses from.
   */
  public List<CacheRow> candidates(
      String repository, Collection<String> scopes, String version, List<String> prefixes) {
    Condition keys = DSL.falseCondition();
    for (String p : prefixes) {
      keys = keys.or(CACHES.CACHE_KEY.startsWith(p));
    }
    Condition matching = keys;
    return StoreErrors.call(
        () ->
            dsl.selectFrom(CACHES)
                .where(
                    CACHES.REPOSITORY.eq(repository),
                    CACHES.SCOPE.in(scopes),
                    CACHES.VERSION.eq(version),
                    CACHES.FINALIZED_AT.isNotNull(),
                    matching)
                .fetch(CacheRepository::row));
  }

  /** Records a restore, for eviction's least-recently-used order. */
  public void touch(long id) {
    StoreErrors.run(
        () -> dsl.update(CACHES).set(CACHES.LAST_USED_AT, NOW).where(CACHES.ID.eq(id)).execute());
  }

  /**
   * Finalizes a committed entry on the blob the caller checked.
   *
   * @throws CiException CONFLICT when it was finalized already or its content changed
   */
  public void finalize(long id, String sha256) {
    StoreErrors.run(
        () -> {
          int n =
              dsl.update(CACHES)
                  .set(CACHES.FINALIZED_AT, NOW)
                  .set(CACHES.LAST_USED_AT, NOW)
                  .where(
                      CACHES.ID.eq(id), CACHES.FINALIZED_AT.isNull(), CACHES.BLOB_SHA256.eq(sha256))
                  .execute();
          if (n == 0) {
            throw new CiException(ErrorCode.CONFLICT, "cache " + id + " is finalized or changed");
          }
        });
  }

  /** Repositories whose finalized caches hold more than {@code capBytes}. */
  public List<String> repositoriesOver(long capBytes) {
    return StoreErrors.call(
        () ->
            dsl.select(CACHES.REPOSITORY)
                .from(CACHES)
                .where(CACHES.FINALIZED_AT.isNotNull())
                .groupBy(CACHES.REPOSITORY)
                .having(DSL.sum(CACHES.SIZE).gt(java.math.BigDecimal.valueOf(capBytes)))
                .fetch(CACHES.REPOSITORY));
  }

  /** The finalized entries of a repository. */
  public List<CacheRow> finalized(String repository) {
    return StoreErrors.call(
        () ->
            dsl.selectFrom(CACHES)
                .where(CACHES.REPOSITORY.eq(repository), CACHES.FINALIZED_AT.isNotNull())
                .fetch(CacheRepository::row));
  }

  /** Uploads created before {@code abandonedBefore} and never finalized, at most {@code limit}. */
  public List<CacheRow> abandoned(Instant abandonedBefore, int limit) {
    return StoreErrors.call(
        () ->
            dsl.selectFrom(CACHES)
                .where(
                    CACHES.FINALIZED_AT.isNull(),
                    CACHES.CREATED_AT.lt(abandonedBefore.atOffset(ZoneOffset.UTC)))
                .orderBy(CACHES.ID)
                .limit(limit)
                .fetch(CacheRepository::row));
  }

  /**
   * Deletes an entry and returns what it named: blobs for {@link #releaseBlob}, parts to discard.
   */
  public Released delete(long id) {
    return StoreErrors.call(
        () ->
            dsl.transactionResult(
                cfg -> {
                  DSLContext tx = cfg.dsl();
                  CachesRecord r =
                      tx.selectFrom(CACHES).where(CACHES.ID.eq(id)).forUpdate().fetchOne();
                  if (r == null) {
                    return Released.none();
                  }
                  Released released = BLOCKS.named(tx, id, r.getBlobSha256());
                  tx.deleteFrom(CACHES).where(CACHES.ID.eq(id)).execute();
                  return released;
                }));
  }

  @Override
  public Optional<String> stageBlock(long id, StagedBlock block) {
    return StoreErrors.call(
        () ->
            dsl.transactionResult(
                cfg -> {
                  DSLContext tx = cfg.dsl();
                  lockOpen(tx, id, false);
                  return BLOCKS.stage(tx, id, block);
                }));
  }

  @Override
  public List<StagedBlock> blocks(long id) {
    return StoreErrors.call(() -> BLOCKS.list(dsl, id));
  }

  @Override
  public Released commit(long id, String sha256, long size, Predicate<String> present) {
    return StoreErrors.call(
        () ->
            dsl.transactionResult(
                cfg -> {
                  DSLContext tx = cfg.dsl();
                  CachesRecord r = lockOpen(tx, id, true);
                  BlobReferences.lockPresent(tx, sha256, present);
                  Released released = BLOCKS.named(tx, id, r.getBlobSha256());
                  BLOCKS.clear(tx, id);
                  tx.update(CACHES)
                      .set(CACHES.BLOB_SHA256, sha256)
                      .set(CACHES.SIZE, size)
                      .where(CACHES.ID.eq(id))
                      .execute();
                  return released.withoutBlob(sha256);
                }));
  }

  @Override
  public boolean releaseBlob(String sha256, Predicate<String> delete) {
    return BlobReferences.release(dsl, sha256, delete);
  }

  private static CachesRecord lockOpen(DSLContext tx, long id, boolean committing) {
    CachesRecord r = tx.selectFrom(CACHES).where(CACHES.ID.eq(id)).forUpdate().fetchOne();
    if (r == null) {
      throw new CiException(ErrorCode.NOT_FOUND, "no cache " + id);
    }
    if (r.getFinalizedAt() != null) {
      throw new CiException(ErrorCode.CONFLICT, "cache " + r.getCacheKey() + " is finalized");
    }
    if (!committing && r.getBlobSha256() != null) {
      throw new CiException(
          ErrorCode.CONFLICT, "cache " + r.getCacheKey() + " has its blocks committed");
    }
    return r;
  }

  private static CacheRow row(CachesRecord r) {
    return new CacheRow(
        r.getId(),
        r.getRepository(),
        r.getScope(),
        r.getCacheKey(),
        r.getVersion(),
        Optional.ofNullable(r.getBlobSha256()),
        Optional.ofNullable(r.getSize()),
        Rows.instant(r.getCreatedAt()),
        Optional.ofNullable(r.getFinalizedAt()).map(Rows::instant),
        Rows.instant(r.getLastUsedAt()));
  }
}
