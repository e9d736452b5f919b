package dev.pipewright.cli.view;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class StatusHoldTest {
  private static final Instant T0 = Instant.parse("2026-12-07T06:00:00Z");

  @Test
  void statusLinesWaitTheLagAndLeaveInOrder() {
    StatusHold hold = new StatusHold(Duration.ofMillis(600));
    hold.add(List.of("hello/1 Greet: succeeded in 0.2s", "job hello: succeeded"), T0);
    hold.add(List.of("build #1: succeeded"), T0.plusMillis(250));

    assertThat(hold.due(T0.plusMillis(599))).isEmpty();
    assertThat(hold.next()).isEqualTo(T0.plusMillis(600));
    assertThat(hold.due(T0.plusMillis(600)))
        .containsExactly("hello/1 Greet: succeeded in 0.2s", "job hello: succeeded");
    assertThat(hold.next()).isEqualTo(T0.plusMillis(850));
    assertThat(hold.all()).containsExactly("build #1: succeeded");
    assertThat(hold.next()).isNull();
    assertThat(hold.due(T0.plusSeconds(9))).isEmpty();
  }
}
