package dev.pipewright.entryapi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pipewright.api.ci.v1.LogChunk;
import dev.pipewright.store.LogEntry;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class StoreLogsTest {
  @Test
  void aStepChunkKeepsItsStreamSequenceAndCursor() {
    Instant at = Instant.parse("2026-01-02T03:04:05.006Z");

    LogChunk chunk = StoreLogs.chunk(new LogEntry(42, "build.2", 3, 7, "ok\n", at));

    assertThat(chunk.getJobKey()).isEqualTo("build.2");
    assertThat(chunk.getStepNumber()).isEqualTo(3);
    assertThat(chunk.getSequence()).isEqualTo(7);
    assertThat(chunk.getContent()).isEqualTo("ok\n");
    assertThat(chunk.getCursor()).isEqualTo("42");
    assertThat(chunk.getCreateTime().getSeconds()).isEqualTo(at.getEpochSecond());
    assertThat(chunk.getCreateTime().getNanos()).isEqualTo(6_000_000);
  }

  @Test
  void aBuildLevelChunkHasNoJobKeyAndStepZero() {
    LogChunk chunk = StoreLogs.chunk(new LogEntry(1, null, null, 1, "queued\n", null));

    assertThat(chunk.getJobKey()).isEmpty();
    assertThat(chunk.getStepNumber()).isZero();
    assertThat(chunk.hasCreateTime()).isFalse();
  }
}
