package dev.pipewright.entryapi.artifacts;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class BlockPositionsTest {
  private static String id(String raw) {
    return Base64.getEncoder().encodeToString(raw.getBytes(StandardCharsets.US_ASCII));
  }

  @Test
  void theToolkitsBlockIdsGiveTheirIndex() {
    // generateBlockID(uuid, i) in @azure/storage-blob: a uuid (ending in a digit here), then i
    // zero-padded to 48 characters in all.
    String uuid = "0c9d4b1e-6f2a-4d8e-9b3c-5a7e1f2d3c49";
    assertThat(BlockPositions.predicted(id(uuid + "000000000000"))).hasValue(0);
    assertThat(BlockPositions.predicted(id(uuid + "000000000127"))).hasValue(127);
    assertThat(BlockPositions.predicted(id(uuid + "000000049999"))).hasValue(49_999);
  }

  @Test
  void otherIdsGiveNone() {
    assertThat(BlockPositions.predicted(id("block-a"))).isEmpty();
    assertThat(BlockPositions.predicted(id("12345"))).isEmpty();
    assertThat(BlockPositions.predicted("not base64!")).isEmpty();
    // The legacy cache API's chunks are named by their offset, not in base64.
    assertThat(BlockPositions.predicted(ChunkOrder.blockId(8 << 20))).isEmpty();
  }
}
