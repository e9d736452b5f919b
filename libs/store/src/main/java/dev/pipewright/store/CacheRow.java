package dev.pipewright.store;

import java.time.Instant;
import java.util.Optional;

/**
 * A cache entry as stored: {@code blobSha256} and {@code size} once its upload was committed,
 * {@code finalizedAt} once the toolkit finalized it (only then can it be restored).
 */
public record CacheRow(
    long id,
    String repository,
    String scope,
    String key,
    String version,
    Optional<String> blobSha256,
    Optional<Long> size,
    Instant createdAt,
    Optional<Instant> finalizedAt,
    Instant lastUsedAt) {

  public boolean finalized() {
    return finalizedAt.isPresent();
  }
}
