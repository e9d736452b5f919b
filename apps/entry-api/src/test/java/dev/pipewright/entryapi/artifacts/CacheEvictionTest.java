package dev.pipewright.entryapi.artifacts;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pipewright.entryapi.artifacts.CacheEviction.Entry;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** "Usage limits and eviction policy" in GitHub's docs: least recently used first, until under. */
class CacheEvictionTest {
  static final Instant T = Instant.parse("2026-12-01T00:00:00Z");

  static Entry e(long id, long size, int minute) {
    return new Entry(id, "k" + id, size, T.plusSeconds(60L * minute));
  }

  @Test
  void underTheCapNothingGoes() {
    assertThat(CacheEviction.choose(List.of(e(1, 40, 0), e(2, 60, 1)), 100)).isEmpty();
  }

  @Test
  void theLeastRecentlyUsedGoFirstUntilTheRestFits() {
    List<Entry> entries = List.of(e(1, 50, 5), e(2, 50, 1), e(3, 50, 9), e(4, 10, 0));
    // 160 bytes, cap 100: 4 (minute 0) and 2 (minute 1) go, leaving 100.
    assertThat(CacheEviction.choose(entries, 100)).extracting(Entry::id).containsExactly(4L, 2L);
    // A cap below the newest entry's size evicts everything.
    assertThat(CacheEviction.choose(entries, 10))
        .extracting(Entry::id)
        .containsExactly(4L, 2L, 1L, 3L);
  }
}
