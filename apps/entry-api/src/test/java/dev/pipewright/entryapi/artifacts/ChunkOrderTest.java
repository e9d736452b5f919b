package dev.pipewright.entryapi.artifacts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pipewright.store.StagedBlock;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Chunks of the legacy cache upload (cacheHttpClient.ts uploadFile: parallel PATCHes). */
class ChunkOrderTest {
  static StagedBlock chunk(long start, long size) {
    return new StagedBlock(ChunkOrder.blockId(start), "0".repeat(64), size);
  }

  @Test
  void chunksUploadedInAnyOrderJoinByOffset() {
    List<StagedBlock> chunks = List.of(chunk(200, 50), chunk(0, 100), chunk(100, 100));
    assertThat(ChunkOrder.ordered(chunks, 250))
        .containsExactly(ChunkOrder.blockId(0), ChunkOrder.blockId(100), ChunkOrder.blockId(200));
    // Offsets beyond one digit still sort as numbers.
    assertThat(ChunkOrder.blockId(9)).isLessThan(ChunkOrder.blockId(10));
  }

  @Test
  void aGapAnOverlapOrAWrongSizeIsRefused() {
    assertThatThrownBy(() -> ChunkOrder.ordered(List.of(chunk(0, 100), chunk(150, 50)), 200))
        .hasMessageContaining("do not join at byte 100");
    assertThatThrownBy(() -> ChunkOrder.ordered(List.of(chunk(0, 100), chunk(50, 100)), 150))
        .hasMessageContaining("do not join");
    assertThatThrownBy(() -> ChunkOrder.ordered(List.of(chunk(0, 100)), 101))
        .hasMessageContaining("the commit says 101");
    assertThat(ChunkOrder.ordered(List.of(), 0)).isEmpty();
  }
}
