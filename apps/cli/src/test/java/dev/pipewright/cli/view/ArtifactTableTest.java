package dev.pipewright.cli.view;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ArtifactTableTest {
  private static final String SHA = "3f2a9c1b0d4e" + "0".repeat(52);

  @Test
  void sizesAreInBinaryUnitsWithOneDecimal() {
    assertThat(ArtifactTable.size(0)).isEqualTo("0 B");
    assertThat(ArtifactTable.size(1023)).isEqualTo("1023 B");
    assertThat(ArtifactTable.size(1536)).isEqualTo("1.5 KiB");
    assertThat(ArtifactTable.size(20L * 1024 * 1024)).isEqualTo("20.0 MiB");
    assertThat(ArtifactTable.size(3L << 30)).isEqualTo("3.0 GiB");
  }

  @Test
  void rowsAreAlignedWithAShortHash() {
    Instant expires = Instant.parse("2026-12-08T05:40:00Z");
    List<String> rows =
        ArtifactTable.rows(
            List.of(
                new ArtifactState("bundle", 2048, SHA, "build", Instant.EPOCH, expires),
                new ArtifactState("x", 5, SHA, "build", Instant.EPOCH, expires)));
    assertThat(rows)
        .containsExactly(
            "NAME    SIZE     SHA256        EXPIRES",
            "bundle  2.0 KiB  3f2a9c1b0d4e  2026-12-08T05:40:00Z",
            "x       5 B      3f2a9c1b0d4e  2026-12-08T05:40:00Z");
  }

  @Test
  void jsonHasTheWholeHashAndSize() {
    var json =
        ArtifactTable.json(
            new ArtifactState("bundle", 2048, SHA, "build", Instant.EPOCH, Instant.EPOCH));
    assertThat(json.keySet())
        .containsExactly("name", "size", "sha256", "job_key", "create_time", "expire_time");
    assertThat(json).containsEntry("sha256", SHA).containsEntry("size", 2048L);
  }
}
