package dev.pipewright.store;

import static dev.pipewright.store.Rows.NOW;
import static dev.pipewright.store.jooq.Tables.ARTIFACTS;
import static dev.pipewright.store.jooq.Tables.ARTIFACT_BLOCKS;

import dev.pipewright.models.CiException;
import dev.pipewright.models.ErrorCode;
import dev.pipewright.store.jooq.tables.records.ArtifactsRecord;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Predicate;
import org.jooq.Condition;
import org.jooq.DSLContext;

/**
 * Artifact metadata and the references from it to blobs, released as {@link BlobReferences} says.
 */
public final class ArtifactRepository implements UploadRows {
  private static final StagedBlocks BLOCKS =
      new StagedBlocks(
          ARTIFACT_BLOCKS,
          ARTIFACT_BLOCKS.ARTIFACT_ID,
          ARTIFACT_BLOCKS.BLOCK_ID,
          ARTIFACT_BLOCKS.PART,
          ARTIFACT_BLOCKS.SIZE);
  private final DSLContext dsl;

  public ArtifactRepository(DSLContext dsl) {
    this.dsl = Objects.requireNonNull(dsl);
  }

  /**
   * A new artifact named {@code name} in {@code build}. An unfinalized one of that name (an upload
   * that failed) is replaced; what it named is returned: blobs for {@link #releaseBlob}, parts to
   * discard.
   *
   * @throws CiException CONFLICT when a finalized artifact has that name
   */
  public Created create(UUID build, String job, String name, Instant expiresAt) {
    return StoreErrors.call(
        () ->
            dsl.transactionResult(
                cfg -> {
                  DSLContext tx = cfg.dsl();
                  Released released = Released.none();
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
                    released = namedBy(tx, old);
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
  public record Created(ArtifactRow artifact, Released released) {}

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

  @Override
  public Optional<String> stageBlock(long artifactId, StagedBlock block) {
    return StoreErrors.call(
        () ->
            dsl.transactionResult(
                cfg -> {
                  DSLContext tx = cfg.dsl();
                  lockOpen(tx, artifactId, false);
                  return BLOCKS.stage(tx, artifactId, block);
                }));
  }

  @Override
  public List<StagedBlock> blocks(long artifactId) {
    return StoreErrors.call(() -> BLOCKS.list(dsl, artifactId));
  }

  @Override
  public Released commit(long artifactId, String sha256, long size, Predicate<String> present) {
    return StoreErrors.call(
        () ->
            dsl.transactionResult(
                cfg -> {
                  DSLContext tx = cfg.dsl();
                  ArtifactsRecord r = lockOpen(tx, artifactId, true);
                  BlobReferences.lockPresent(tx, sha256, present);
                  Released released = namedBy(tx, r);
                  BLOCKS.clear(tx, artifactId);
                  tx.update(ARTIFACTS)
                      .set(ARTIFACTS.BLOB_SHA256, sha256)
                      .set(ARTIFACTS.SIZE, size)
                      .where(ARTIFACTS.ID.eq(artifactId))
                      .execute();
                  return released.withoutBlob(sha256);
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

  /**
   * Deletes an artifact and returns what it named: blobs for {@link #releaseBlob}, parts to
   * discard.
   */
  public Released delete(long artifactId) {
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
                    return Released.none();
                  }
                  Released released = namedBy(tx, r);
                  tx.deleteFrom(ARTIFACTS).where(ARTIFACTS.ID.eq(artifactId)).execute();
                  return released;
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

  @Override
  public boolean releaseBlob(String sha256, Predicate<String> delete) {
    return BlobReferences.release(dsl, sha256, delete);
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

  private static Released namedBy(DSLContext tx, ArtifactsRecord r) {
    return BLOCKS.named(tx, r.getId(), r.getBlobSha256());
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
