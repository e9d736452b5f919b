package dev.pipewright.entryapi.artifacts;

import dev.pipewright.secrets.Signer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Objects;

/**
 * The URLs the artifact and cache services hand the toolkit for the bytes of one artifact or cache
 * entry, in the shape of an Azure SAS URL: {@code
 * <base><path><id>?sp=<r|w>&se=<expiry>&kid=<key>&sig=<hmac>}, the path one per service ({@link
 * #ARTIFACTS}, {@link #CACHES}). The signature (a {@link Signer} of purpose {@code artifact-url})
 * covers the path, the id, the permission and the expiry, so a URL opens one artifact or cache
 * entry, for reading or writing, until it expires; changing any of them breaks it. The toolkit
 * masks {@code sig} in logs (util.ts maskSigUrl).
 */
final class SignedUrls {
  static final String PURPOSE = "artifact-url";
  static final String ARTIFACTS = "/_artifacts/blob/";
  static final String CACHES = "/_caches/blob/";
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

  /** What a URL allows. */
  enum Access {
    READ("r"),
    WRITE("w");

    final String code;

    Access(String code) {
      this.code = code;
    }
  }

  private final Signer signer;
  private final Clock clock;
  private final Duration lifetime;
  private final String path;

  /**
   * @param path {@link #ARTIFACTS} or {@link #CACHES}
   */
  SignedUrls(Signer signer, Clock clock, Duration lifetime, String path) {
    this.signer = Objects.requireNonNull(signer, "signer");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.lifetime = Objects.requireNonNull(lifetime, "lifetime");
    this.path = Objects.requireNonNull(path, "path");
  }

  /** Where its URLs lead, followed by the id. */
  String path() {
    return path;
  }

  /** A URL under {@code base} (scheme, host and port, no trailing slash) for the id. */
  String sign(String base, long artifactId, Access access) {
    long expiry = clock.instant().plus(lifetime).getEpochSecond();
    Signer.Signature s = signer.sign(signed(artifactId, access.code, expiry));
    return base
        + path
        + artifactId
        + "?sp="
        + access.code
        + "&se="
        + expiry
        + "&kid="
        + s.keyId()
        + "&sig="
        + B64.encodeToString(s.mac());
  }

  /**
   * Checks the query of a request for the artifact's URL.
   *
   * @return null when it allows {@code needed} now, else why not
   */
  String refusal(long artifactId, Map<String, String> query, Access needed) {
    String sp = query.get("sp");
    String se = query.get("se");
    String sig = query.get("sig");
    if (sp == null || se == null || sig == null) {
      return "the URL carries no signature";
    }
    long expiry;
    byte[] mac;
    try {
      expiry = Long.parseLong(se);
      mac = Base64.getUrlDecoder().decode(sig);
    } catch (IllegalArgumentException e) {
      return "the URL's signature is malformed";
    }
    if (!signer.verify(query.get("kid"), signed(artifactId, sp, expiry), mac)) {
      return "the URL's signature does not match";
    }
    if (!sp.equals(needed.code)) {
      return "the URL does not allow " + needed.name().toLowerCase(java.util.Locale.ROOT);
    }
    if (!clock.instant().isBefore(Instant.ofEpochSecond(expiry))) {
      return "the URL expired at " + Instant.ofEpochSecond(expiry);
    }
    return null;
  }

  private byte[] signed(long id, String access, long expiry) {
    return (path + "\n" + id + "\n" + access + "\n" + expiry).getBytes(StandardCharsets.UTF_8);
  }
}
