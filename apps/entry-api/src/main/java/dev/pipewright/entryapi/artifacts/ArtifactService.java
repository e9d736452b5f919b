package dev.pipewright.entryapi.artifacts;

import dev.pipewright.auth.RuntimeScope;
import dev.pipewright.blobs.BlobIntegrityException;
import dev.pipewright.blobs.BlobStore;
import dev.pipewright.blobs.StoredBlob;
import dev.pipewright.models.CiException;
import dev.pipewright.models.ErrorCode;
import dev.pipewright.store.ArtifactRepository;
import dev.pipewright.store.ArtifactRow;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the artifact service does, whichever protocol asked: artifacts belong to a build, are
 * written block by block until committed, checked against the size and SHA-256 the toolkit reports
 * and finalized (then immutable, listed and readable), deleted, and swept when they expire. Bytes
 * go to the {@link BlobStore}, rows to {@link ArtifactRepository}.
 */
final class ArtifactService {
  private static final Logger log = LoggerFactory.getLogger(ArtifactService.class);
  static final int MAX_NAME = 255;

  /** An upload not finalized within this long is abandoned (the toolkit's uploads take minutes). */
  static final Duration ABANDONED_AFTER = Duration.ofDays(1);

  private final ArtifactRepository artifacts;
  private final BlobStore blobs;
  private final Clock clock;
  private final int retentionDays;

  ArtifactService(ArtifactRepository artifacts, BlobStore blobs, Clock clock, int retentionDays) {
    this.artifacts = Objects.requireNonNull(artifacts, "artifacts");
    this.blobs = Objects.requireNonNull(blobs, "blobs");
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
    release(created.releasedBlobs());
    return created.artifact();
  }

  /** Stores one block of an unfinalized artifact. */
  void stageBlock(long artifactId, String blockId, InputStream body) throws IOException {
    openForWriting(artifactId);
    StoredBlob blob = blobs.put(body, Optional.empty());
    Optional<String> replaced =
        artifacts.stageBlock(
            artifactId,
            new ArtifactRepository.Block(blockId, blob.sha256(), blob.size()),
            present());
    release(replaced.stream().toList());
  }

  /**
   * Joins the named blocks, in order, into the artifact's content (Put Block List).
   *
   * @throws IllegalArgumentException naming a block that was not staged
   */
  StoredBlob commit(long artifactId, List<String> blockIds) throws IOException {
    openForWriting(artifactId);
    Map<String, ArtifactRepository.Block> staged = new HashMap<>();
    artifacts.blocks(artifactId).forEach(b -> staged.put(b.blockId(), b));
    List<ArtifactRepository.Block> ordered = new ArrayList<>();
    for (String id : blockIds) {
      ArtifactRepository.Block block = staged.get(id);
      if (block == null) {
        throw new IllegalArgumentException("block " + id + " was not uploaded");
      }
      ordered.add(block);
    }
    StoredBlob content;
    try (InputStream joined = new SequenceInputStream(blockStreams(ordered))) {
      content = blobs.put(joined, Optional.empty());
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    release(artifacts.commit(artifactId, content.sha256(), content.size(), present()));
    return content;
  }

  private Enumeration<InputStream> blockStreams(List<ArtifactRepository.Block> blocks) {
    Iterator<ArtifactRepository.Block> it = blocks.iterator();
    return new Enumeration<>() {
      @Override
      public boolean hasMoreElements() {
        return it.hasNext();
      }

      @Override
      public InputStream nextElement() {
        try {
          return blobs.get(it.next().blobSha256());
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    };
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

  /** A finalized, unexpired artifact by id, for a signed URL. */
  Optional<ArtifactRow> readable(long id) {
    return artifacts
        .find(id)
        .filter(ArtifactRow::finalized)
        .filter(a -> a.expiresAt().isAfter(clock.instant()));
  }

  InputStream content(ArtifactRow artifact, long offset, long length) throws IOException {
    return blobs.get(artifact.blobSha256().orElseThrow(), offset, length);
  }

  /** Deletes the build's artifact {@code name}; its id, or empty when there was none. */
  Optional<Long> delete(UUID build, String name) {
    Optional<ArtifactRow> row = readable(build, name);
    row.ifPresent(
        a -> {
          release(artifacts.delete(a.id()));
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
        release(artifacts.delete(a.id()));
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

  private void openForWriting(long artifactId) {
    ArtifactRow row =
        artifacts
            .find(artifactId)
            .orElseThrow(() -> new CiException(ErrorCode.NOT_FOUND, "no artifact " + artifactId));
    if (row.finalized()) {
      throw new CiException(ErrorCode.CONFLICT, "artifact " + row.name() + " is finalized");
    }
  }

  /** Deletes each blob no row names any more. */
  private void release(Collection<String> released) {
    for (String sha : released) {
      artifacts.releaseBlob(
          sha,
          s -> {
            try {
              return blobs.delete(s);
            } catch (IOException e) {
              // Left for a later release; the row is gone either way.
              log.warn("Could not delete blob {}: {}", s, e.toString());
              return false;
            }
          });
    }
  }

  private Predicate<String> present() {
    return sha -> {
      try {
        return blobs.stat(sha).isPresent();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    };
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
