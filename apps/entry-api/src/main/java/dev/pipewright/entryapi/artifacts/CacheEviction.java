package dev.pipewright.entryapi.artifacts;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Which caches of one repository go when it holds more than its cap ("Usage limits and eviction
 * policy" in GitHub's docs): the least recently used first (last restored, else saved), until what
 * stays fits.
 */
final class CacheEviction {
  private CacheEviction() {}

  /** A finalized entry, with when it was last saved or restored. */
  record Entry(long id, String key, long size, Instant lastUsedAt) {}

  /** The entries to delete, in the order they go. */
  static List<Entry> choose(List<Entry> entries, long capBytes) {
    long total = entries.stream().mapToLong(Entry::size).sum();
    List<Entry> oldestFirst =
        entries.stream()
            .sorted(Comparator.comparing(Entry::lastUsedAt).thenComparing(Entry::id))
            .toList();
    List<Entry> evicted = new ArrayList<>();
    for (Entry e : oldestFirst) {
      if (total <= capBytes) {
        break;
      }
      evicted.add(e);
      total -= e.size();
    }
    return evicted;
  }
}
