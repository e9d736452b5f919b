package dev.pipewright.entryapi.artifacts;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pipewright.entryapi.QueryString;
import dev.pipewright.secrets.SecretKeys;
import dev.pipewright.secrets.Signer;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SignedUrlsTest {
  private static final SecretKeys KEYS = SecretKeys.parse(SecretKeys.newKeyLine("k1"), "f");
  private static final Instant NOW = Instant.parse("2026-12-07T03:00:00Z");

  private static SignedUrls at(Instant now) {
    return new SignedUrls(
        Signer.of(KEYS, SignedUrls.PURPOSE),
        Clock.fixed(now, ZoneOffset.UTC),
        Duration.ofHours(6),
        SignedUrls.ARTIFACTS);
  }

  private static Map<String, String> query(String url) {
    return QueryString.parse(URI.create(url).getRawQuery());
  }

  @Test
  void aUrlOpensItsArtifactForItsAccessUntilItExpires() {
    String url = at(NOW).sign("http://api:8080", 42, SignedUrls.Access.READ);

    assertThat(url).startsWith("http://api:8080/_artifacts/blob/42?sp=r&se=").contains("&sig=");
    assertThat(at(NOW).refusal(42, query(url), SignedUrls.Access.READ)).isNull();
    assertThat(at(NOW.plus(Duration.ofHours(6))).refusal(42, query(url), SignedUrls.Access.READ))
        .contains("expired");
    assertThat(at(NOW).refusal(43, query(url), SignedUrls.Access.READ)).contains("does not match");
    assertThat(at(NOW).refusal(42, query(url), SignedUrls.Access.WRITE))
        .contains("does not allow write");
  }

  @Test
  void changingTheExpiryOrAccessOrKeyBreaksTheSignature() {
    Map<String, String> q = query(at(NOW).sign("http://api", 7, SignedUrls.Access.READ));
    Map<String, String> later = new java.util.HashMap<>(q);
    later.put("se", Long.toString(Long.parseLong(q.get("se")) + 3600));
    Map<String, String> write = new java.util.HashMap<>(q);
    write.put("sp", "w");
    SignedUrls otherKey =
        new SignedUrls(
            Signer.of(SecretKeys.parse(SecretKeys.newKeyLine("k1"), "f"), SignedUrls.PURPOSE),
            Clock.fixed(NOW, ZoneOffset.UTC),
            Duration.ofHours(6),
            SignedUrls.ARTIFACTS);
    SignedUrls cacheUrls =
        new SignedUrls(
            Signer.of(KEYS, SignedUrls.PURPOSE),
            Clock.fixed(NOW, ZoneOffset.UTC),
            Duration.ofHours(6),
            SignedUrls.CACHES);

    assertThat(at(NOW).refusal(7, later, SignedUrls.Access.READ)).contains("does not match");
    assertThat(at(NOW).refusal(7, write, SignedUrls.Access.WRITE)).contains("does not match");
    assertThat(otherKey.refusal(7, q, SignedUrls.Access.READ)).contains("does not match");
    // An artifact's URL does not open the cache entry of the same id.
    assertThat(cacheUrls.refusal(7, q, SignedUrls.Access.READ)).contains("does not match");
    assertThat(at(NOW).refusal(7, Map.of(), SignedUrls.Access.READ)).contains("no signature");
  }
}
