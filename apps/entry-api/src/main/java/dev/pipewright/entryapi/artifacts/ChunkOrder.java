package dev.pipewright.entryapi.artifacts;

import dev.pipewright.store.StagedBlock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * The legacy cache API's uploads: chunks PATCHed with {@code Content-Range: bytes start-end/*},
 * several at once and in any order (cacheHttpClient.ts uploadFile), then committed with the total
 * size. Each chunk is staged as a block named by its start offset; the commit takes them in offset
 * order and insists they cover {@code 0..size-1} exactly once.
 */
final class ChunkOrder {
  private ChunkOrder() {}

  /** The block id of the chunk starting at {@code start}: fixed width, so ids sort as offsets. */
  static String blockId(long start) {
    return String.format(Locale.ROOT, "%019d", start);
  }

  /**
   * The block ids in offset order.
   *
   * @throws IllegalArgumentException when the chunks leave a gap, overlap, or do not add up to
   *     {@code size}
   */
  static List<String> ordered(List<StagedBlock> chunks, long size) {
    List<StagedBlock> sorted =
        chunks.stream().sorted(Comparator.comparing(StagedBlock::blockId)).toList();
    List<String> ids = new ArrayList<>();
    long next = 0;
    for (StagedBlock c : sorted) {
      long start = Long.parseLong(c.blockId());
      if (start != next) {
        throw new IllegalArgumentException(
            "the uploaded chunks do not join at byte " + next + " (next chunk at " + start + ")");
      }
      next = start + c.size();
      ids.add(c.blockId());
    }
    if (next != size) {
      throw new IllegalArgumentException(
          "the uploaded chunks hold " + next + " bytes, the commit says " + size);
    }
    return ids;
  }
}
