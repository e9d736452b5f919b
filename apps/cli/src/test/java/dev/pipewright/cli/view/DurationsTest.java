package dev.pipewright.cli.view;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class DurationsTest {
  private static final Instant NOW = Instant.parse("2026-12-07T05:40:00Z");

  @Test
  void durationsInTheirLargestUsefulUnits() {
    assertThat(Durations.format(Duration.ofMillis(340))).isEqualTo("0.3s");
    assertThat(Durations.format(Duration.ofMillis(12_340))).isEqualTo("12.3s");
    assertThat(Durations.format(Duration.ofSeconds(64))).isEqualTo("1m 04s");
    assertThat(Durations.format(Duration.ofMinutes(62).plusSeconds(5))).isEqualTo("1h 02m");
  }

  @Test
  void howLongAgoInWholeUnits() {
    assertThat(Durations.ago(NOW.minusSeconds(3), NOW)).isEqualTo("just now");
    assertThat(Durations.ago(NOW.minusSeconds(42), NOW)).isEqualTo("42 s ago");
    assertThat(Durations.ago(NOW.minusSeconds(3 * 60 + 59), NOW)).isEqualTo("3 min ago");
    assertThat(Durations.ago(NOW.minus(Duration.ofHours(5)), NOW)).isEqualTo("5 h ago");
    assertThat(Durations.ago(NOW.minus(Duration.ofHours(30)), NOW)).isEqualTo("1 day ago");
    assertThat(Durations.ago(NOW.minus(Duration.ofDays(12)), NOW)).isEqualTo("12 days ago");
    assertThat(Durations.ago(NOW.minus(Duration.ofDays(40)), NOW)).isEqualTo("2026-10-28");
  }

  @Test
  void aClockBehindTheServersIsNotTheFuture() {
    assertThat(Durations.ago(NOW.plusSeconds(5), NOW)).isEqualTo("just now");
  }

  @Test
  void exactTimesToTheSecondInUtc() {
    assertThat(Durations.exact(Instant.parse("2026-12-07T05:39:12.123456Z")))
        .isEqualTo("2026-12-07 05:39:12Z");
  }
}
