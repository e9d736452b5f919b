package dev.pipewright.cli.view;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/**
 * Times for people: durations ({@code 0.3s}, {@code 12.3s}, {@code 2m 05s}, {@code 1h 02m}), how
 * long ago something happened ({@code 3 min ago}) and exact times to the second.
 */
public final class Durations {
  private static final DateTimeFormatter EXACT =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss'Z'").withZone(ZoneOffset.UTC);

  private Durations() {}

  public static String format(Duration d) {
    long millis = Math.max(0, d.toMillis());
    if (millis < 60_000) {
      return String.format("%d.%ds", millis / 1000, (millis % 1000) / 100);
    }
    long seconds = millis / 1000;
    if (seconds < 3600) {
      return String.format("%dm %02ds", seconds / 60, seconds % 60);
    }
    return String.format("%dh %02dm", seconds / 3600, (seconds % 3600) / 60);
  }

  /**
   * How long before {@code now} {@code then} was, in the largest whole unit: {@code just now}
   * (under 10 s), {@code 42 s ago}, {@code 3 min ago}, {@code 5 h ago}, {@code 2 days ago}; past 30
   * days, the date.
   */
  public static String ago(Instant then, Instant now) {
    long seconds = Math.max(0, Duration.between(then, now).getSeconds());
    if (seconds < 10) {
      return "just now";
    }
    if (seconds < 60) {
      return seconds + " s ago";
    }
    if (seconds < 3600) {
      return seconds / 60 + " min ago";
    }
    if (seconds < 86_400) {
      return seconds / 3600 + " h ago";
    }
    long days = seconds / 86_400;
    if (days <= 30) {
      return days == 1 ? "1 day ago" : days + " days ago";
    }
    return EXACT.format(then).substring(0, 10);
  }

  /** To the second, in UTC: {@code 2026-12-07 05:39:12Z}. */
  public static String exact(Instant t) {
    return EXACT.format(t.truncatedTo(ChronoUnit.SECONDS));
  }

  /** From start to end (or to now while running); null without a start. */
  static Duration between(Instant start, Instant end, Instant now) {
    if (start == null) {
      return null;
    }
    return Duration.between(start, end == null ? now : end);
  }
}
