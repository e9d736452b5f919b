package dev.pipewright.store;

import dev.pipewright.models.CiException;
import dev.pipewright.models.ErrorCode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.Objects;
import java.util.UUID;

/**
 * The keyset position after the last build of a page (newest first), as an opaque URL-safe string.
 * Times are kept to the microsecond, PostgreSQL's precision.
 */
record PageToken(Instant createdAt, UUID id) {
  private static final String VERSION = "v1";

  PageToken {
    Objects.requireNonNull(createdAt);
    Objects.requireNonNull(id);
    createdAt = createdAt.truncatedTo(ChronoUnit.MICROS);
  }

  String encode() {
    long micros = ChronoUnit.MICROS.between(Instant.EPOCH, createdAt);
    String plain = VERSION + ":" + micros + ":" + id;
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(plain.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * @throws CiException INVALID_SPEC when the token was not made by {@link #encode()}
   */
  static PageToken decode(String token) {
    try {
      String plain = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
      String[] parts = plain.split(":", -1);
      if (parts.length != 3 || !VERSION.equals(parts[0])) {
        throw new IllegalArgumentException("unknown token layout");
      }
      Instant createdAt = Instant.EPOCH.plus(Long.parseLong(parts[1]), ChronoUnit.MICROS);
      return new PageToken(createdAt, UUID.fromString(parts[2]));
    } catch (IllegalArgumentException e) {
      throw new CiException(ErrorCode.INVALID_SPEC, "invalid page token", e);
    }
  }
}
