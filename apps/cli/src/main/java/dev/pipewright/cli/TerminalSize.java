package dev.pipewright.cli;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

/**
 * The width of the terminal the live view draws on, from {@code stty size} on {@code /dev/tty} (the
 * JVM has no call for it), else {@code $COLUMNS}, else 0 (unknown). Asked again at most once a
 * second, so a resized window is followed without a process per frame.
 */
final class TerminalSize implements IntSupplier {
  private static final Duration MAX_AGE = Duration.ofSeconds(1);
  private static final File TTY = new File("/dev/tty");

  private final Clock clock;
  private Instant measuredAt = Instant.MIN;
  private int columns;

  TerminalSize(Clock clock) {
    this.clock = clock;
  }

  @Override
  public synchronized int getAsInt() {
    Instant now = clock.instant();
    if (Duration.between(measuredAt, now).compareTo(MAX_AGE) >= 0) {
      columns = measure();
      measuredAt = now;
    }
    return columns;
  }

  private static int measure() {
    if (TTY.canRead()) {
      try {
        Process stty =
            new ProcessBuilder("stty", "size")
                .redirectInput(TTY)
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        String out = new String(stty.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (stty.waitFor(2, TimeUnit.SECONDS) && stty.exitValue() == 0) {
          String[] rowsAndColumns = out.strip().split("\\s+");
          if (rowsAndColumns.length == 2) {
            return Integer.parseInt(rowsAndColumns[1]);
          }
        }
      } catch (IOException | NumberFormatException e) {
        // No terminal to ask after all: $COLUMNS below.
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    try {
      return Integer.parseInt(System.getenv().getOrDefault("COLUMNS", "0").strip());
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}
