package dev.pipewright.cli.view;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class LiveScreenTest {
  @Test
  void redrawsTheTableBelowNewLines() {
    LiveScreen screen = new LiveScreen();
    assertThat(screen.frame(List.of("log 1"), List.of("T1", "T2"))).isEqualTo("log 1\nT1\nT2\n");
    // Back up over the two table lines, clear, print the new line, then the table again.
    assertThat(screen.frame(List.of("log 2"), List.of("T1", "T2", "T3")))
        .isEqualTo("\u001b[2F\u001b[Jlog 2\nT1\nT2\nT3\n");
    assertThat(screen.frame(List.of(), List.of("T"))).isEqualTo("\u001b[3F\u001b[JT\n");
    assertThat(screen.clear()).isEqualTo("\u001b[1F\u001b[J");
    assertThat(screen.clear()).isEmpty();
  }
}
