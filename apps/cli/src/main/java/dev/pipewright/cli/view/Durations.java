package dev.pipewright.cli.view;

import java.time.Duration;
import java.time.Instant;

/** Short human durations: {@code 0.3s}, {@code 12.3s}, {@code 2m05s}, {@code 1h02m}. */
public final class Durations {
  private Durations() {}

  public static String format(Duration d) {
    long millis = Math.max(0, d.toMillis());
    if (millis < 60_000) {
      return String.format("%d.%ds", millis / 1000, (millis % 1000) / 100);
    }
    long seconds = millis / 1000;
    if (seconds < 3600) {
      return String.format("%dm%02ds", seconds / 60, seconds % 60);
    }
    return String.format("%dh%02dm", seconds / 3600, (seconds % 3600) / 60);
  }

  /** From start to end (or to now while running); null without a start. */
  static Duration between(Instant start, Instant end, Instant now) {
    if (start == null) {
      return null;
    }
    return Duration.between(start, end == null ? now : end);
  }
}
