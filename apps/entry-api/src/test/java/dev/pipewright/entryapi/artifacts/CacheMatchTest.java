package dev.pipewright.entryapi.artifacts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pipewright.entryapi.artifacts.CacheMatch.Candidate;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * GitHub's key matching ("Cache key matching",
 * https://docs.github.com/en/actions/reference/workflows-and-actions/dependency-caching): exact
 * key, then prefixes of key and restore keys in order, newest first; the build's ref, then the
 * default branch.
 */
class CacheMatchTest {
  static final String DEV = "refs/heads/dev";
  static final String MAIN = "refs/heads/main";
  static final Instant T = Instant.parse("2026-12-01T00:00:00Z");

  static Candidate c(long id, String key, String scope, int minute) {
    return new Candidate(id, key, scope, T.plusSeconds(60L * minute));
  }

  static Optional<Long> chosen(List<Candidate> cs, String key, List<String> restoreKeys) {
    return CacheMatch.choose(cs, key, restoreKeys, List.of(DEV, MAIN)).map(Candidate::id);
  }

  @Test
  void anExactKeyWinsOverANewerPrefixMatch() {
    List<Candidate> cs = List.of(c(1, "npm-abc", DEV, 0), c(2, "npm-abcdef", DEV, 5));
    assertThat(chosen(cs, "npm-abc", List.of("npm-"))).contains(1L);
  }

  @Test
  void restoreKeysArePrefixesTriedInOrderAndTheNewestMatchOfEachWins() {
    List<Candidate> cs =
        List.of(
            c(1, "npm-linux-old", DEV, 0),
            c(2, "npm-linux-new", DEV, 9),
            c(3, "npm-windows", DEV, 20));
    assertThat(chosen(cs, "npm-linux-abc", List.of("npm-linux-", "npm-"))).contains(2L);
    // The first restore key that matches decides, not the newest entry overall.
    assertThat(chosen(cs, "x", List.of("npm-windows", "npm-"))).contains(3L);
    assertThat(chosen(cs, "x", List.of("pip-"))).isEmpty();
  }

  @Test
  void theKeyItselfIsAPrefixBeforeTheRestoreKeys() {
    List<Candidate> cs = List.of(c(1, "npm-abc-1", DEV, 0), c(2, "npm-zzz", DEV, 5));
    assertThat(chosen(cs, "npm-abc", List.of("npm-"))).contains(1L);
  }

  @Test
  void theBuildsRefComesBeforeTheDefaultBranchEvenForAWeakerMatch() {
    List<Candidate> cs = List.of(c(1, "npm-abc", MAIN, 9), c(2, "npm-old", DEV, 0));
    assertThat(chosen(cs, "npm-abc", List.of("npm-"))).contains(2L);
    // Nothing on the ref: the default branch's exact key.
    assertThat(chosen(List.of(c(1, "npm-abc", MAIN, 9)), "npm-abc", List.of())).contains(1L);
    // A scope not readable is never used.
    assertThat(chosen(List.of(c(1, "npm-abc", "refs/heads/other", 9)), "npm-abc", List.of()))
        .isEmpty();
  }

  @Test
  void keysTheToolkitRefusesAreRefused() {
    assertThatThrownBy(() -> CacheMatch.checkKey("a,b")).hasMessageContaining("comma");
    assertThatThrownBy(() -> CacheMatch.checkKey("k".repeat(513))).hasMessageContaining("512");
    assertThatThrownBy(() -> CacheMatch.checkKey("")).hasMessageContaining("empty");
    assertThatThrownBy(
            () ->
                CacheMatch.checkKeys(
                    "k", List.of("1", "2", "3", "4", "5", "6", "7", "8", "9", "10")))
        .hasMessageContaining("at most 10");
    CacheMatch.checkKeys("k", List.of("1", "2", "3", "4", "5", "6", "7", "8", "9"));
  }
}
