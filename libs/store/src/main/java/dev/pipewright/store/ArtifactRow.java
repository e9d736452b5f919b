package dev.pipewright.store;

import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * An artifact as stored: {@code blobSha256} and {@code size} once its blocks were committed, {@code
 * finalizedAt} once the toolkit finalized it (only then is it listed and readable).
 */
public record ArtifactRow(
    long id,
    UUID buildId,
    String jobKey,
    String name,
    Optional<String> blobSha256,
    Optional<Long> size,
    Instant createdAt,
    Optional<Instant> finalizedAt,
    Instant expiresAt) {

  public boolean finalized() {
    return finalizedAt.isPresent();
  }
}
