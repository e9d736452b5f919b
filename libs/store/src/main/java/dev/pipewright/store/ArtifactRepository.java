package dev.pipewright.store;

import static dev.pipewright.store.Rows.NOW;
import static dev.pipewright.store.jooq.Tables.ARTIFACTS;
import static dev.pipewright.store.jooq.Tables.ARTIFACT_BLOCKS;

import dev.pipewright.models.CiException;
import dev.pipewright.models.ErrorCode;
import dev.pipewright.store.jooq.tables.records.ArtifactsRecord;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Predicate;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;

/**
 * Artifact metadata and the references from it to blobs. A blob may be named by several rows (the
 * same content uploaded twice, or two equal blocks), so it is deleted only when no row names it:
 * whoever records a reference and whoever deletes a blob hold the blob's transaction-scoped
 * advisory lock, and a reference is recorded only while the blob is still there ({@code present}),
 * so a delete never removes a blob a row is about to name.
 */
public final class ArtifactRepository {
  private final DSLContext dsl;

  public ArtifactRepository(DSLContext dsl) {
    this.dsl = Objects.requireNonNull(dsl);
  }

  /** A blob staged for an artifact. */
  public record Block(String blockId, String blobSha256, long size) {}

  /**
   * A new artifact named {@code name} in {@code build}. An unfinalized one of that name (an upload
   * that failed) is replaced; its blobs are returned for {@link #releaseBlob}.
   *
   * @throws CiException CONFLICT when a finalized artifact has that name
   */
  public Created create(UUID build, String job, String name, Instant expiresAt) {
    return StoreErrors.call(
        () ->
            dsl.transactionResult(
                cfg -> {
                  DSLContext tx = cfg.dsl();
                  List<String> released = new ArrayList<>();
                  ArtifactsRecord old =
                      tx.selectFrom(ARTIFACTS)
                          .where(ARTIFACTS.BUILD_ID.eq(build), ARTIFACTS.NAME.eq(name))
                          .forUpdate()
                          .fetchOne();
                  if (old != null) {
                    if (old.getFinalizedAt() != null) {
                      throw new CiException(
                          ErrorCode.CONFLICT,
                          "an artifact named " + name + " exists in build " + build);
                    }
                    released.addAll(blobsOf(tx, old));
                    tx.deleteFrom(ARTIFACTS).where(ARTIFACTS.ID.eq(old.getId())).execute();
                  }
                  ArtifactsRecord r =
                      tx.insertInto(ARTIFACTS)
                          .set(ARTIFACTS.BUILD_ID, build)
                          .set(ARTIFACTS.JOB_KEY, job)
                          .set(ARTIFACTS.NAME, name)
                          .set(ARTIFACTS.EXPIRES_AT, expiresAt.atOffset(ZoneOffset.UTC))
                          .returning()
                          .fetchOne();
                  return new Created(row(r), released);
                }));
  }

  /** A created artifact, and the blobs the one it replaced named. */
  public record Created(ArtifactRow artifact, List<String> releasedBlobs) {}

  public Optional<ArtifactRow> find(long id) {
    return StoreErrors.call(
        () ->
            dsl.selectFrom(ARTIFACTS)
                .where(ARTIFACTS.ID.eq(id))
                .fetchOptional()
                .map(ArtifactRepository::row));
  }

  public Optional<ArtifactRow> find(UUID build, String name) {
    return StoreErrors.call(
        () ->
            dsl.selectFrom(ARTIFACTS)
                .where(ARTIFACTS.BUILD_ID.eq(build), ARTIFACTS.NAME.eq(name))
                .fetchOptional()
                .map(ArtifactRepository::row));
  }

  /**
   * The finalized, unexpired artifacts of {@code build}, oldest first, optionally only the one
   * named {@code name} or with id {@code id}.
   */
  public List<ArtifactRow> listFinalized(
      UUID build, Optional<String> name, Optional<Long> id, Instant now) {
    Condition c =
        ARTIFACTS
            .BUILD_ID
            .eq(build)
            .and(ARTIFACTS.FINALIZED_AT.isNotNull())
            .and(ARTIFACTS.EXPIRES_AT.gt(now.atOffset(ZoneOffset.UTC)));
    if (name.isPresent()) {
      c = c.and(ARTIFACTS.NAME.eq(name.get()));
    }
    if (id.isPresent()) {
      c = c.and(ARTIFACTS.ID.eq(id.get()));
    }
    Condition where = c;
    return StoreErrors.call(
        () ->
            dsl.selectFrom(ARTIFACTS)
                .where(where)
                .orderBy(ARTIFACTS.ID)
                .fetch(ArtifactRepository::row));
  }

  /**
   * Records block {@code blockId} of an unfinalized artifact as the blob {@code sha256}, replacing
   * a block of the same id (whose blob is returned for {@link #releaseBlob}).
   *
   * @throws CiException NOT_FOUND for an unknown artifact, CONFLICT for a finalized one or one
   *     whose blocks were committed, TRANSIENT when the blob vanished before it was referenced
   */
  public Optional<String> stageBlock(long artifactId, Block block, Predicate<String> present) {
    return StoreErrors.call(
        () ->
            dsl.transactionResult(
                cfg -> {
                  DSLContext tx = cfg.dsl();
                  lockOpen(tx, artifactId, false);
                  lockBlob(tx, block.blobSha256(), present);
                  String old =
                      tx.select(ARTIFACT_BLOCKS.BLOB_SHA256)
                          .from(ARTIFACT_BLOCKS)
                          .where(
                              ARTIFACT_BLOCKS.ARTIFACT_ID.eq(artifactId),
                              ARTIFACT_BLOCKS.BLOCK_ID.eq(block.blockId()))
                          .fetchOne(ARTIFACT_BLOCKS.BLOB_SHA256);
                  tx.insertInto(ARTIFACT_BLOCKS)
                      .set(ARTIFACT_BLOCKS.ARTIFACT_ID, artifactId)
                      .set(ARTIFACT_BLOCKS.BLOCK_ID, block.blockId())
                      .set(ARTIFACT_BLOCKS.BLOB_SHA256, block.blobSha256())
                      .set(ARTIFACT_BLOCKS.SIZE, block.size())
                      .onConflict(ARTIFACT_BLOCKS.ARTIFACT_ID, ARTIFACT_BLOCKS.BLOCK_ID)
                      .doUpdate()
                      .set(ARTIFACT_BLOCKS.BLOB_SHA256, block.blobSha256())
                      .set(ARTIFACT_BLOCKS.SIZE, block.size())
                      .execute();
                  return Optional.ofNullable(old).filter(o -> !o.equals(block.blobSha256()));
                }));
  }

  /** The staged blocks of an artifact, by block id. */
  public List<Block> blocks(long artifactId) {
    return StoreErrors.call(
        () ->
            dsl.selectFrom(ARTIFACT_BLOCKS)
                .where(ARTIFACT_BLOCKS.ARTIFACT_ID.eq(artifactId))
                .orderBy(ARTIFACT_BLOCKS.BLOCK_ID)
                .fetch(r -> new Block(r.getBlockId(), r.getBlobSha256(), r.getSize())));
  }

  /**
   * Records the committed content of an unfinalized artifact and forgets its staged blocks, whose
   * blobs are returned for {@link #releaseBlob} (with a previously committed blob, if any).
   */
  public List<String> commit(long artifactId, String sha256, long size, Predicate<String> present) {
    return StoreErrors.call(
        () ->
            dsl.transactionResult(
                cfg -> {
                  DSLContext tx = cfg.dsl();
                  ArtifactsRecord r = lockOpen(tx, artifactId, true);
                  lockBlob(tx, sha256, present);
                  List<String> released = blobsOf(tx, r);
                  tx.deleteFrom(ARTIFACT_BLOCKS)
                      .where(ARTIFACT_BLOCKS.ARTIFACT_ID.eq(artifactId))
                      .execute();
                  tx.update(ARTIFACTS)
                      .set(ARTIFACTS.BLOB_SHA256, sha256)
                      .set(ARTIFACTS.SIZE, size)
                      .where(ARTIFACTS.ID.eq(artifactId))
                      .execute();
                  released.remove(sha256);
                  return released;
                }));
  }

  /**
   * Finalizes a committed artifact. The caller checked size and hash against the row it read; the
   * update is guarded on that same blob, so a commit in between makes it fail.
   *
   * @throws CiException CONFLICT when it was finalized already or its content changed
   */
  public void finalize(long artifactId, String sha256) {
    StoreErrors.run(
        () -> {
          int n =
              dsl.update(ARTIFACTS)
                  .set(ARTIFACTS.FINALIZED_AT, NOW)
                  .where(
                      ARTIFACTS.ID.eq(artifactId),
                      ARTIFACTS.FINALIZED_AT.isNull(),
                      ARTIFACTS.BLOB_SHA256.eq(sha256))
                  .execute();
          if (n == 0) {
            throw new CiException(
                ErrorCode.CONFLICT, "artifact " + artifactId + " is finalized or changed");
          }
        });
  }

  /** Deletes an artifact and returns the blobs it named, for {@link #releaseBlob}. */
  public List<String> delete(long artifactId) {
    return StoreErrors.call(
        () ->
            dsl.transactionResult(
                cfg -> {
                  DSLContext tx = cfg.dsl();
                  ArtifactsRecord r =
                      tx.selectFrom(ARTIFACTS)
                          .where(ARTIFACTS.ID.eq(artifactId))
                          .forUpdate()
                          .fetchOne();
                  if (r == null) {
                    return List.<String>of();
                  }
                  List<String> blobs = blobsOf(tx, r);
                  tx.deleteFrom(ARTIFACTS).where(ARTIFACTS.ID.eq(artifactId)).execute();
                  return blobs;
                }));
  }

  /**
   * Artifacts to sweep: expired ones, and unfinalized ones created before {@code abandonedBefore}
   * (uploads that never finished), at most {@code limit}.
   */
  public List<ArtifactRow> sweepable(Instant now, Instant abandonedBefore, int limit) {
    return StoreErrors.call(
        () ->
            dsl.selectFrom(ARTIFACTS)
                .where(
                    ARTIFACTS
                        .EXPIRES_AT
                        .le(now.atOffset(ZoneOffset.UTC))
                        .or(
                            ARTIFACTS
                                .FINALIZED_AT
                                .isNull()
                                .and(
                                    ARTIFACTS.CREATED_AT.lt(
                                        abandonedBefore.atOffset(ZoneOffset.UTC)))))
                .orderBy(ARTIFACTS.ID)
                .limit(limit)
                .fetch(ArtifactRepository::row));
  }

  /**
   * Runs {@code delete} for blob {@code sha256} when no row names it, under the blob's lock (so no
   * reference is recorded meanwhile). Returns whether it ran.
   */
  public boolean releaseBlob(String sha256, Predicate<String> delete) {
    return StoreErrors.call(
        () ->
            dsl.transactionResult(
                cfg -> {
                  DSLContext tx = cfg.dsl();
                  lock(tx, sha256);
                  boolean named =
                      tx.fetchExists(ARTIFACTS, ARTIFACTS.BLOB_SHA256.eq(sha256))
                          || tx.fetchExists(
                              ARTIFACT_BLOCKS, ARTIFACT_BLOCKS.BLOB_SHA256.eq(sha256));
                  return !named && delete.test(sha256);
                }));
  }

  private static ArtifactsRecord lockOpen(DSLContext tx, long artifactId, boolean committing) {
    ArtifactsRecord r =
        tx.selectFrom(ARTIFACTS).where(ARTIFACTS.ID.eq(artifactId)).forUpdate().fetchOne();
    if (r == null) {
      throw new CiException(ErrorCode.NOT_FOUND, "no artifact " + artifactId);
    }
    if (r.getFinalizedAt() != null) {
      throw new CiException(ErrorCode.CONFLICT, "artifact " + r.getName() + " is finalized");
    }
    if (!committing && r.getBlobSha256() != null) {
      throw new CiException(
          ErrorCode.CONFLICT, "artifact " + r.getName() + " has its blocks committed");
    }
    return r;
  }

  private static void lockBlob(DSLContext tx, String sha256, Predicate<String> present) {
    lock(tx, sha256);
    if (!present.test(sha256)) {
      throw new CiException(
          ErrorCode.TRANSIENT, "blob " + sha256 + " was deleted before it was recorded");
    }
  }

  private static void lock(DSLContext tx, String sha256) {
    tx.select(DSL.field("pg_advisory_xact_lock(hashtextextended({0}, 0))", Object.class, sha256))
        .fetch();
  }

  private static List<String> blobsOf(DSLContext tx, ArtifactsRecord r) {
    List<String> blobs =
        new ArrayList<>(
            tx.selectDistinct(ARTIFACT_BLOCKS.BLOB_SHA256)
                .from(ARTIFACT_BLOCKS)
                .where(ARTIFACT_BLOCKS.ARTIFACT_ID.eq(r.getId()))
                .fetch(ARTIFACT_BLOCKS.BLOB_SHA256));
    if (r.getBlobSha256() != null && !blobs.contains(r.getBlobSha256())) {
      blobs.add(r.getBlobSha256());
    }
    return blobs;
  }

  private static ArtifactRow row(ArtifactsRecord r) {
    return new ArtifactRow(
        r.getId(),
        r.getBuildId(),
        r.getJobKey(),
        r.getName(),
        Optional.ofNullable(r.getBlobSha256()),
        Optional.ofNullable(r.getSize()),
        Rows.instant(r.getCreatedAt()),
        Optional.ofNullable(r.getFinalizedAt()).map(Rows::instant),
        Rows.instant(r.getExpiresAt()));
  }
}
