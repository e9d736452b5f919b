package dev.pipewright.entryapi.artifacts;

import dev.pipewright.auth.RuntimeScope;
import dev.pipewright.blobs.BlobStore;
import dev.pipewright.blobs.StoredBlob;
import dev.pipewright.models.CiException;
import dev.pipewright.models.ErrorCode;
import dev.pipewright.store.CacheRepository;
import dev.pipewright.store.CacheRow;
import java.io.IOException;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the cache service does, whichever protocol asked: an entry is created for a key and version
 * in the token's repository and write scope, uploaded, checked against the size the toolkit reports
 * and finalized (then immutable and restorable); a restore picks an entry by {@link CacheMatch}
 * among the token's readable {@link CacheScopes}; the sweep drops uploads never finalized and the
 * least recently used entries of each repository over the cap ({@link CacheEviction}).
 */
final class CacheService implements BlobTarget {
  private static final Logger log = LoggerFactory.getLogger(CacheService.class);
  static final int MAX_VERSION = 128;

  private final CacheRepository caches;
  private final BlockUploads uploads;
  private final Clock clock;
  private final String defaultRef;
  private final long capBytes;

  /**
   * @param defaultRef the ref whose caches every build of a repository may restore
   * @param capBytes the cache bytes kept per repository
   */
  CacheService(
      CacheRepository caches, BlobStore blobs, Clock clock, String defaultRef, long capBytes) {
    this.caches = Objects.requireNonNull(caches, "caches");
    this.uploads = new BlockUploads("cache", caches, blobs);
    this.clock = Objects.requireNonNull(clock, "clock");
    this.defaultRef = Objects.requireNonNull(defaultRef, "defaultRef");
    this.capBytes = capBytes;
  }

  /**
   * A new entry in the token's write scope.
   *
   * @throws CiException CONFLICT when the key and version exist there
   */
  CacheRow create(RuntimeScope token, String key, String version) {
    CacheMatch.checkKey(key);
    checkVersion(version);
    CacheScopes scopes = CacheScopes.of(token, defaultRef);
    return caches.create(scopes.repository(), scopes.write(), key, version);
  }

  /**
   * Finalizes the token's entry after checking its uploaded size.
   *
   * @return the entry's id
   */
  long finalizeEntry(RuntimeScope token, String key, String version, long size) {
    CacheScopes scopes = CacheScopes.of(token, defaultRef);
    CacheRow row =
        caches
            .find(scopes.repository(), scopes.write(), key, version)
            .orElseThrow(() -> new CiException(ErrorCode.NOT_FOUND, "no cache with key " + key));
    if (row.finalized()) {
      throw new CiException(ErrorCode.CONFLICT, "cache " + key + " is finalized already");
    }
    String sha =
        row.blobSha256()
            .orElseThrow(
                () -> new CiException(ErrorCode.CONFLICT, "cache " + key + " has no content"));
    if (row.size().orElse(0L) != size) {
      throw new IllegalArgumentException(
          "cache "
              + key
              + " is "
              + row.size().orElse(0L)
              + " bytes, the uploader reported "
              + size);
    }
    caches.finalize(row.id(), sha);
    log.info(
        "Cache {} ({}, {} bytes) of {} in {} saved by build {} job {}",
        key,
        row.id(),
        size,
        scopes.repository(),
        scopes.write(),
        token.buildId(),
        token.jobKey());
    return row.id();
  }

  /** The entry a restore of {@code key} then {@code restoreKeys} gets; marked as used. */
  Optional<CacheRow> restore(
      RuntimeScope token, String key, List<String> restoreKeys, String version) {
    CacheMatch.checkKeys(key, restoreKeys);
    checkVersion(version);
    CacheScopes scopes = CacheScopes.of(token, defaultRef);
    List<CacheRow> rows =
        caches.candidates(
            scopes.repository(), scopes.read(), version, CacheMatch.prefixes(key, restoreKeys));
    Optional<CacheRow> chosen =
        CacheMatch.choose(
                rows.stream()
                    .map(r -> new CacheMatch.Candidate(r.id(), r.key(), r.scope(), r.createdAt()))
                    .toList(),
                key,
                restoreKeys,
                scopes.read())
            .flatMap(c -> rows.stream().filter(r -> r.id() == c.id()).findFirst());
    chosen.ifPresent(r -> caches.touch(r.id()));
    return chosen;
  }

  /**
   * The token's open entry {@code id}: the legacy API names entries by id alone, so the id must be
   * of the token's repository and write scope.
   */
  CacheRow openOwned(RuntimeScope token, long id) {
    CacheScopes scopes = CacheScopes.of(token, defaultRef);
    CacheRow row =
        caches
            .find(id)
            .filter(r -> r.repository().equals(scopes.repository()))
            .filter(r -> r.scope().equals(scopes.write()))
            .orElseThrow(() -> new CiException(ErrorCode.NOT_FOUND, "no cache " + id));
    if (row.finalized()) {
      throw new CiException(ErrorCode.CONFLICT, "cache " + row.key() + " is finalized");
    }
    return row;
  }

  /** Joins the legacy upload's chunks ({@link ChunkOrder}) and finalizes the entry. */
  long commitChunks(RuntimeScope token, long id, long size) throws IOException {
    CacheRow row = openOwned(token, id);
    uploads.commit(id, ChunkOrder.ordered(caches.blocks(id), size));
    return finalizeEntry(token, row.key(), row.version(), size);
  }

  @Override
  public BlockUploads uploads() {
    return uploads;
  }

  @Override
  public Optional<StoredBlob> readable(long id) {
    return caches
        .find(id)
        .filter(CacheRow::finalized)
        .map(r -> new StoredBlob(r.blobSha256().orElseThrow(), r.size().orElse(0L)));
  }

  @Override
  public String contentType() {
    return "application/octet-stream";
  }

  /** Deletes uploads never finalized and evicts over the cap; returns how many entries went. */
  int sweep() {
    int deleted = 0;
    List<CacheRow> batch;
    do {
      batch = caches.abandoned(clock.instant().minus(ArtifactService.ABANDONED_AFTER), 100);
      for (CacheRow r : batch) {
        delete(r, "upload never finalized since " + r.createdAt());
        deleted++;
      }
    } while (batch.size() == 100);
    for (String repository : caches.repositoriesOver(capBytes)) {
      List<CacheRow> rows = caches.finalized(repository);
      List<CacheEviction.Entry> evicted =
          CacheEviction.choose(
              rows.stream()
                  .map(
                      r ->
                          new CacheEviction.Entry(
                              r.id(), r.key(), r.size().orElse(0L), r.lastUsedAt()))
                  .toList(),
              capBytes);
      for (CacheEviction.Entry e : evicted) {
        CacheRow row = rows.stream().filter(r -> r.id() == e.id()).findFirst().orElseThrow();
        delete(
            row,
            "least recently used ("
                + e.lastUsedAt()
                + ") while "
                + repository
                + " holds more than "
                + capBytes
                + " bytes of caches");
        deleted++;
      }
    }
    return deleted;
  }

  private void delete(CacheRow r, String why) {
    uploads.release(caches.delete(r.id()));
    log.info(
        "Swept cache {} ({}, {} bytes) of {} in {}: {}",
        r.key(),
        r.id(),
        r.size().orElse(0L),
        r.repository(),
        r.scope(),
        why);
  }

  @Override
  public void openForWriting(long id) {
    CacheRow row =
        caches.find(id).orElseThrow(() -> new CiException(ErrorCode.NOT_FOUND, "no cache " + id));
    if (row.finalized()) {
      throw new CiException(ErrorCode.CONFLICT, "cache " + row.key() + " is finalized");
    }
  }

  private static void checkVersion(String version) {
    if (version == null || version.isEmpty() || version.length() > MAX_VERSION) {
      throw new IllegalArgumentException(
          "a cache version is 1 to " + MAX_VERSION + " characters (the toolkit sends a SHA-256)");
    }
  }
}
