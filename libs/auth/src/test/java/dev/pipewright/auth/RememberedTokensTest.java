package dev.pipewright.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RememberedTokensTest {
  private final Map<String, Credential> live = new HashMap<>();
  private final AtomicInteger lookups = new AtomicInteger();
  private final AtomicLong now = new AtomicLong();
  private final RememberedTokens tokens =
      new RememberedTokens(
          id -> {
            lookups.incrementAndGet();
            return Optional.ofNullable(live.get(id));
          },
          Duration.ofSeconds(2),
          now::get);

  private static Credential credential(String id) {
    return new Credential(id, "name-" + id, Role.READ, new byte[] {1, 2, 3});
  }

  @Test
  void aFoundTokenIsAskedForOnceWhileRemembered() {
    live.put("a", credential("a"));

    assertThat(tokens.live("a")).isPresent();
    now.addAndGet(Duration.ofMillis(1999).toNanos());
    assertThat(tokens.live("a")).isPresent();

    assertThat(lookups).hasValue(1);
  }

  @Test
  void aRevocationElsewhereAppliesOnceTheTokenIsNoLongerRemembered() {
    live.put("a", credential("a"));
    tokens.live("a");
    live.remove("a");

    now.addAndGet(Duration.ofSeconds(2).toNanos());

    assertThat(tokens.live("a")).isEmpty();
  }

  @Test
  void aTokenRevokedHereIsForgottenAtOnce() {
    live.put("a", credential("a"));
    tokens.live("a");
    live.remove("a");

    tokens.forget("a");

    assertThat(tokens.live("a")).isEmpty();
  }

  /** A token created a moment after a call with it was refused works at once. */
  @Test
  void anUnknownTokenIsNotRemembered() {
    assertThat(tokens.live("b")).isEmpty();
    live.put("b", credential("b"));

    assertThat(tokens.live("b")).isPresent();
    assertThat(lookups).hasValue(2);
  }

  @Test
  void whatIsRememberedIsBounded() {
    for (int i = 0; i <= RememberedTokens.MAX_REMEMBERED; i++) {
      live.put("t" + i, credential("t" + i));
      tokens.live("t" + i);
    }
    lookups.set(0);

    tokens.live("t0");

    assertThat(lookups).hasValue(1);
  }
}
