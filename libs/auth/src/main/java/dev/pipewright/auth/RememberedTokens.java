package dev.pipewright.auth;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * A {@link TokenLookup} that remembers the live tokens it found for a short while. Every call
 * carries a token, and a client polling GetBuild would otherwise cost a database round trip per
 * poll for the same token (the trivial-build bench's pollers: half the CPU a GetBuild costs). Only
 * found tokens are remembered, so a token created a moment ago works at once; a token revoked
 * through this service is forgotten at once ({@link #forget}), one revoked elsewhere (the CLI's
 * {@code --database}, another replica) keeps working here for at most the time it is remembered.
 */
public final class RememberedTokens implements TokenLookup {
  /** How long a found token is remembered: the longest a revocation elsewhere takes to apply. */
  public static final Duration DEFAULT_TTL = Duration.ofSeconds(2);

  /** A bound on what is remembered: tokens in use at once, not every token ever presented. */
  static final int MAX_REMEMBERED = 10_000;

  private record Remembered(Credential credential, long until) {}

  private final TokenLookup store;
  private final long ttlNanos;
  private final LongSupplier nanoTime;
  private final Map<String, Remembered> remembered = new ConcurrentHashMap<>();

  RememberedTokens(TokenLookup store, Duration ttl, LongSupplier nanoTime) {
    this.store = Objects.requireNonNull(store, "store");
    this.ttlNanos = ttl.toNanos();
    this.nanoTime = nanoTime;
  }

  public static RememberedTokens of(TokenLookup store) {
    return new RememberedTokens(store, DEFAULT_TTL, System::nanoTime);
  }

  @Override
  public Optional<Credential> live(String id) {
    long now = nanoTime.getAsLong();
    Remembered r = remembered.get(id);
    if (r != null && now - r.until() < 0) {
      return Optional.of(r.credential());
    }
    Optional<Credential> found = store.live(id);
    if (found.isPresent()) {
      if (remembered.size() >= MAX_REMEMBERED) {
        remembered.clear();
      }
      remembered.put(id, new Remembered(found.get(), now + ttlNanos));
    } else {
      remembered.remove(id);
    }
    return found;
  }

  /** The token was revoked: the next call with it asks the store. */
  public void forget(String id) {
    remembered.remove(id);
  }
}
