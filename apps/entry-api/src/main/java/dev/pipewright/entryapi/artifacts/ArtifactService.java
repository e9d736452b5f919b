package dev.pipewright.entryapi.artifacts;

import dev.pipewright.auth.RuntimeScope;
import dev.pipewright.blobs.BlobIntegrityException;
import dev.pipewright.blobs.BlobStore;
import dev.pipewright.blobs.StoredBlob;
import dev.pipewright.models.CiException;
import dev.pipewright.models.ErrorCode;
import dev.pipewright.store.ArtifactRepository;
import dev.pipewright.store.ArtifactRow;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the artifact service does, whichever protocol asked: artifacts belong to a build, are
 * written block by block until committed, checked against the size and SHA-256 the toolkit reports
 * and finalized (then immutable, listed and readable), deleted, and swept when they expire. Bytes
 * go to the {@link BlobStore}, rows to {@link ArtifactRepository}.
 */
final class ArtifactService implements BlobTarget {
  private static final Logger log = LoggerFactory.getLogger(ArtifactService.class);
  static final int MAX_NAME = 255;

  /** An upload not finalized within this long is abandoned (the toolkit's uploads take minutes). */
  static final Duration ABANDONED_AFTER = Duration.ofDays(1);

  private final ArtifactRepository artifacts;
  private final BlockUploads uploads;
  private final Clock clock;
  private final int retentionDays;

  ArtifactService(ArtifactRepository artifacts, BlobStore blobs, Clock clock, int retentionDays) {
    this.artifacts = Objects.requireNonNull(artifacts, "artifacts");
    this.uploads = new BlockUploads("artifact", artifacts, blobs);
    this.clock = Objects.requireNonNull(clock, "clock");
    this.retentionDays = retentionDays;
  }

  /**
   * A new artifact for the token's job, expiring when asked (at most the configured retention from
   * now; GitHub caps it the same way) or after the configured retention.
   */
  ArtifactRow create(RuntimeScope scope, String name, Optional<Instant> expiresAt) {
    checkName(name);
    Instant now = clock.instant();
    Instant longest = now.plus(Duration.ofDays(retentionDays));
    Instant expires = expiresAt.filter(e -> e.isBefore(longest)).orElse(longest);
    if (!expires.isAfter(now)) {
      throw new IllegalArgumentException("expires_at is in the past: " + expires);
    }
    ArtifactRepository.Created created =
        artifacts.create(scope.buildId(), scope.jobKey(), name, expires);
    uploads.release(created.released());
    return created.artifact();
  }

  @Override
  public BlockUploads uploads() {
    return uploads;
  }

  /**
   * Finalizes the token's artifact {@code name} after checking the committed content against {@code
   * size} and {@code hash} ({@code sha256:<hex>}, as upload-artifact.ts sends it).
   *
   * @return the artifact's id
   */
  long finalizeArtifact(RuntimeScope scope, String name, long size, Optional<String> hash)
      throws BlobIntegrityException {
    ArtifactRow row =
        artifacts
            .find(scope.buildId(), name)
            .orElseThrow(() -> new CiException(ErrorCode.NOT_FOUND, "no artifact named " + name));
    if (row.finalized()) {
      throw new CiException(ErrorCode.CONFLICT, "artifact " + name + " is finalized already");
    }
    String sha =
        row.blobSha256()
            .orElseThrow(
                () ->
                    new CiException(
                        ErrorCode.CONFLICT, "artifact " + name + " has no uploaded content"));
    long stored = row.size().orElse(0L);
    if (stored != size) {
      throw new BlobIntegrityException(
          "artifact " + name + " is " + stored + " bytes, the uploader reported " + size);
    }
    if (hash.isPresent() && !hash.get().equalsIgnoreCase("sha256:" + sha)) {
      throw new BlobIntegrityException(
          "artifact "
              + name
              + " hashes to sha256:"
              + sha
              + ", the uploader reported "
              + hash.get());
    }
    artifacts.finalize(row.id(), sha);
    log.info(
        "Artifact {} ({}, {} bytes, sha256:{}) of build {} finalized by job {}",
        name,
        row.id(),
        size,
        sha,
        scope.buildId(),
        scope.jobKey());
    return row.id();
  }

  List<ArtifactRow> list(UUID build, Optional<String> name, Optional<Long> id) {
    return artifacts.listFinalized(build, name, id, clock.instant());
  }

  /** A finalized, unexpired artifact of {@code build}. */
  Optional<ArtifactRow> readable(UUID build, String name) {
    return list(build, Optional.of(name), Optional.empty()).stream().findFirst();
  }

  /**
   * The build's artifact {@code name} for Pipewright's own readers, or why it cannot be read.
   *
   * @throws CiException NOT_FOUND when the build has none of that name, CONFLICT while it is being
   *     uploaded or once it expired (until the sweep deletes it)
   */
  ArtifactRow readableOrExplain(UUID build, String name) {
    ArtifactRow row =
        artifacts
            .find(build, name)
            .orElseThrow(
                () ->
                    new CiException(
                        ErrorCode.NOT_FOUND, "build " + build + " has no artifact named " + name));
    if (!row.finalized()) {
      throw new CiException(
          ErrorCode.CONFLICT,
          "artifact " + name + " is still being uploaded by job " + row.jobKey());
    }
    if (!row.expiresAt().isAfter(clock.instant())) {
      throw new CiException(
          ErrorCode.CONFLICT, "artifact " + name + " expired at " + row.expiresAt());
    }
    return row;
  }

  /** A finalized, unexpired artifact's content by id, for a signed URL. */
  @Override
  public Optional<StoredBlob> readable(long id) {
    return artifacts
        .find(id)
        .filter(ArtifactRow::finalized)
        .filter(a -> a.expiresAt().isAfter(clock.instant()))
        .map(ArtifactService::content);
  }

  /** Where a finalized artifact's bytes are. */
  static StoredBlob content(ArtifactRow finalized) {
    return new StoredBlob(finalized.blobSha256().orElseThrow(), finalized.size().orElse(0L));
  }

  @Override
  public String contentType() {
    return "application/zip";
  }

  /** Deletes the build's artifact {@code name}; its id, or empty when there was none. */
  Optional<Long> delete(UUID build, String name) {
    Optional<ArtifactRow> row = readable(build, name);
    row.ifPresent(
        a -> {
          uploads.release(artifacts.delete(a.id()));
          log.info("Artifact {} ({}) of build {} deleted on request", name, a.id(), build);
        });
    return row.map(ArtifactRow::id);
  }

  /** Deletes expired artifacts and abandoned uploads; returns how many. */
  int sweep() {
    Instant now = clock.instant();
    int deleted = 0;
    List<ArtifactRow> batch;
    do {
      batch = artifacts.sweepable(now, now.minus(ABANDONED_AFTER), 100);
      for (ArtifactRow a : batch) {
        uploads.release(artifacts.delete(a.id()));
        deleted++;
        log.info(
            "Swept artifact {} ({}, {} bytes) of build {}: {}",
            a.name(),
            a.id(),
            a.size().orElse(0L),
            a.buildId(),
            a.expiresAt().isAfter(now)
                ? "upload never finalized since " + a.createdAt()
                : "expired at " + a.expiresAt());
      }
    } while (batch.size() == 100);
    return deleted;
  }

  @Override
  public void openForWriting(long artifactId) {
    ArtifactRow row =
        artifacts
            .find(artifactId)
            .orElseThrow(() -> new CiException(ErrorCode.NOT_FOUND, "no artifact " + artifactId));
    if (row.finalized()) {
      throw new CiException(ErrorCode.CONFLICT, "artifact " + row.name() + " is finalized");
    }
  }

  static void checkName(String name) {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("an artifact needs a name");
    }
    if (name.length() > MAX_NAME) {
      throw new IllegalArgumentException("artifact name longer than " + MAX_NAME + " characters");
    }
    // The characters path-and-artifact-name-validation.ts refuses in names.
    for (char c : new char[] {'"', ':', '<', '>', '|', '*', '?', '\r', '\n', '\\', '/'}) {
      if (name.indexOf(c) >= 0) {
        throw new IllegalArgumentException("artifact name contains '" + c + "': " + name);
      }
    }
  }
}
