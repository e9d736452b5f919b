package dev.pipewright.entryapi.artifacts;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Which cache entry a restore gets, by GitHub's rule ("Cache key matching" in GitHub's docs,
 * https://docs.github.com/en/actions/reference/workflows-and-actions/dependency-caching): in each
 * readable scope in turn (the build's ref, then the default branch), first an entry whose key is
 * exactly {@code key}, then, for {@code key} and each restore key in order, the newest entry whose
 * key starts with it. The version was matched before: entries of another version never match.
 */
final class CacheMatch {
  /** At most this many keys, restore keys included (restoreCacheV2 in cache.ts). */
  static final int MAX_KEYS = 10;

  /** The longest key (checkKey in cache.ts). */
  static final int MAX_KEY_LENGTH = 512;

  private CacheMatch() {}

  /** A finalized entry of the asked version in one of the readable scopes. */
  record Candidate(long id, String key, String scope, Instant createdAt) {}

  static Optional<Candidate> choose(
      List<Candidate> candidates, String key, List<String> restoreKeys, List<String> scopes) {
    Comparator<Candidate> newestFirst =
        Comparator.comparing(Candidate::createdAt).thenComparing(Candidate::id).reversed();
    for (String scope : scopes) {
      List<Candidate> inScope =
          candidates.stream().filter(c -> c.scope().equals(scope)).sorted(newestFirst).toList();
      Optional<Candidate> exact = inScope.stream().filter(c -> c.key().equals(key)).findFirst();
      if (exact.isPresent()) {
        return exact;
      }
      for (String prefix : prefixes(key, restoreKeys)) {
        Optional<Candidate> match =
            inScope.stream().filter(c -> c.key().startsWith(prefix)).findFirst();
        if (match.isPresent()) {
          return match;
        }
      }
    }
    return Optional.empty();
  }

  /** The key, then each restore key: what a restore matches keys against, in order. */
  static List<String> prefixes(String key, List<String> restoreKeys) {
    return java.util.stream.Stream.concat(java.util.stream.Stream.of(key), restoreKeys.stream())
        .toList();
  }

  /**
   * @throws IllegalArgumentException for a key the toolkit itself refuses
   */
  static void checkKey(String key) {
    if (key == null || key.isEmpty()) {
      throw new IllegalArgumentException("a cache key is not empty");
    }
    if (key.length() > MAX_KEY_LENGTH) {
      throw new IllegalArgumentException(
          "cache key longer than " + MAX_KEY_LENGTH + " characters: " + key);
    }
    if (key.indexOf(',') >= 0) {
      throw new IllegalArgumentException("cache key contains a comma: " + key);
    }
  }

  /** Checks a restore's keys: {@code key} and each restore key, at most {@link #MAX_KEYS}. */
  static void checkKeys(String key, List<String> restoreKeys) {
    List<String> all = prefixes(key, restoreKeys);
    if (all.size() > MAX_KEYS) {
      throw new IllegalArgumentException("at most " + MAX_KEYS + " keys, restore keys included");
    }
    all.forEach(CacheMatch::checkKey);
  }
}
