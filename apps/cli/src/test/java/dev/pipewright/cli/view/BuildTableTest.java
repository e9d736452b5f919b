package dev.pipewright.cli.view;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pipewright.models.BuildStatus;
import dev.pipewright.models.ErrorCode;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class BuildTableTest {
  private static final Instant NOW = Instant.parse("2026-12-07T05:40:00Z");

  private static final BuildState DONE =
      new BuildState(
          "6d0e5c3f-1111-4000-8000-000000000001",
          "example",
          12,
          BuildStatus.SUCCEEDED,
          null,
          null,
          false,
          null,
          NOW.minusSeconds(200),
          NOW.minusSeconds(190),
          NOW.minusSeconds(126),
          1,
          List.of());
  private static final BuildState BROKEN =
      new BuildState(
          "0a1b2c3d-2222-4000-8000-000000000002",
          "p",
          3,
          BuildStatus.FAILED,
          ErrorCode.PERMANENT,
          "job a failed\nmore",
          false,
          null,
          NOW.minusSeconds(5),
          null,
          null,
          1,
          List.of());

  @Test
  void aHeaderAndAlignedColumnsWithShortIdsAndTimesForPeople() {
    assertThat(BuildTable.lines(List.of(DONE, BROKEN), NOW, false, Style.of(false)))
        .containsExactly(
            "ID        PIPELINE  NUMBER  STATUS     DURATION  CREATED",
            "6d0e5c3f  example   #12     succeeded  1m 04s    3 min ago",
            "0a1b2c3d  p         #3      failed     -         just now");
  }

  @Test
  void wideShowsTheWholeIdExactTimesAndWhyItFailed() {
    assertThat(BuildTable.lines(List.of(BROKEN), NOW, true, Style.of(false)))
        .containsExactly(
            "ID                                    PIPELINE  NUMBER  STATUS  DURATION  CREATED   "
                + "            ERROR",
            "0a1b2c3d-2222-4000-8000-000000000002  p         #3      failed  -         2026-12-07"
                + " 05:39:55Z  job a failed");
  }

  @Test
  void coloursDoNotShiftTheColumns() {
    List<String> coloured = BuildTable.lines(List.of(DONE, BROKEN), NOW, false, Style.of(true));

    assertThat(coloured.get(1)).contains("\u001b[");
    assertThat(coloured.stream().map(l -> l.replaceAll("\u001b\\[[0-9;]*m", "")).toList())
        .isEqualTo(BuildTable.lines(List.of(DONE, BROKEN), NOW, false, Style.of(false)));
  }
}
