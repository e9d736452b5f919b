package dev.pipewright.cli.view;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class LiveScreenTest {
  @Test
  void redrawsTheTableBelowNewLines() {
    LiveScreen screen = new LiveScreen();
    assertThat(screen.frame(List.of("log 1"), List.of("T1", "T2"), 80))
        .isEqualTo("log 1\nT1\nT2\n");
    // Back up over the two table lines, clear, print the new line, then the table again.
    assertThat(screen.frame(List.of("log 2"), List.of("T1", "T2", "T3"), 80))
        .isEqualTo("\u001b[2F\u001b[Jlog 2\nT1\nT2\nT3\n");
    assertThat(screen.frame(List.of(), List.of("T"), 80)).isEqualTo("\u001b[3F\u001b[JT\n");
    assertThat(screen.clear()).isEqualTo("\u001b[1F\u001b[J");
    assertThat(screen.clear()).isEmpty();
  }

  @Test
  void backsUpOverEveryRowAWrappedTableLineTakesAt40Columns() {
    LiveScreen screen = new LiveScreen();
    String header = "build #12 6d0e5c3f running 1m 04s in the example pipeline"; // 57: 2 rows
    String job = "  " + "x".repeat(38); // exactly 40: 1 row, the cursor waits at the margin
    String longJob = "  \u001b[32m" + "y".repeat(80) + "\u001b[0m"; // 82 visible: 3 rows

    screen.frame(List.of(), List.of(header, job, longJob), 40);

    assertThat(screen.frame(List.of("log"), List.of("T"), 40)).startsWith("\u001b[6F\u001b[J");
  }

  @Test
  void rowsOfLinesAtAWidth() {
    assertThat(LiveScreen.rows(List.of("a".repeat(40), "a".repeat(41), ""), 40)).isEqualTo(4);
    assertThat(LiveScreen.rows(List.of("\u001b[1m" + "é".repeat(40) + "\u001b[0m"), 40))
        .as("colour codes take no room, a character one column")
        .isEqualTo(1);
    assertThat(LiveScreen.rows(List.of("a".repeat(200)), 0)).as("width unknown").isEqualTo(1);
  }
}
