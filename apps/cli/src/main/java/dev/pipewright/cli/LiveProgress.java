package dev.pipewright.cli;

import dev.pipewright.cli.view.BuildState;
import dev.pipewright.cli.view.LiveScreen;
import dev.pipewright.cli.view.LogText;
import dev.pipewright.cli.view.ProgressRenderer;
import dev.pipewright.cli.view.StatusHold;
import dev.pipewright.cli.view.Style;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

/**
 * Shows a build live until it ended and its logs are all shown: polls snapshots, prints log pieces
 * as they arrive (from any thread, through {@link #log}), keeps the job table at the bottom of a
 * terminal, and ends with the summary. Log sources call {@link #logsEnded} when no more can come.
 */
final class LiveProgress {
  /** How long a finished build waits for a log stream that does not say it ended. */
  private static final Duration LOG_GRACE = Duration.ofSeconds(10);

  /**
   * How long the line telling a step's or job's end waits for the log lines written before it:
   * several of the API's log polls (150 ms by default) and a round trip.
   */
  private static final Duration LOG_LAG = Duration.ofMillis(600);

  private sealed interface Event {}

  private record Log(LogText text) implements Event {}

  private record LogsEnded(String warning) implements Event {}

  private final PrintWriter out;
  private final boolean live;
  private final ProgressRenderer renderer;
  private final LiveScreen screen = new LiveScreen();
  private final IntSupplier columns;
  private final StatusHold statuses = new StatusHold(LOG_LAG);
  private final Duration refresh;
  private final Clock clock;
  private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();

  /**
   * @param live whether {@code out} is a terminal that understands ANSI: colours and the table
   *     redrawn in place; else plain lines
   */
  LiveProgress(PrintWriter out, boolean live, Duration refresh, Clock clock) {
    this.out = out;
    this.live = live;
    this.renderer = new ProgressRenderer(Style.of(live), live);
    this.refresh = refresh;
    this.clock = clock;
    this.columns = live ? new TerminalSize(clock) : () -> 0;
  }

  void log(LogText text) {
    events.add(new Log(text));
  }

  /** No more logs will come; {@code warning} (or null) says why they stopped early. */
  void logsEnded(String warning) {
    events.add(new LogsEnded(warning));
  }

  /** Runs until the build is terminal and its logs ended; returns its last snapshot. */
  BuildState follow(Supplier<BuildState> snapshots) throws InterruptedException {
    BuildState last = null;
    boolean logsDone = false;
    Instant nextPoll = Instant.MIN;
    Instant terminalSince = null;
    while (true) {
      Instant now = clock.instant();
      Instant wake = nextPoll;
      if (statuses.next() != null && statuses.next().isBefore(wake)) {
        wake = statuses.next();
      }
      long wait = wake.isAfter(now) ? Duration.between(now, wake).toMillis() : 0;
      List<Event> batch = new ArrayList<>();
      Event first = events.poll(wait, TimeUnit.MILLISECONDS);
      if (first != null) {
        batch.add(first);
        events.drainTo(batch);
      }
      List<String> lines = new ArrayList<>();
      boolean endedNow = false;
      for (Event e : batch) {
        switch (e) {
          case Log log -> lines.addAll(renderer.log(log.text()));
          case LogsEnded ended -> {
            logsDone = true;
            endedNow = true;
            if (ended.warning() != null) {
              lines.add("pipewright: " + ended.warning());
            }
          }
        }
      }
      now = clock.instant();
      if (!nextPoll.isAfter(now) || endedNow) {
        last = snapshots.get();
        for (ProgressRenderer.Change change : renderer.changes(last, now)) {
          if (change.end()) {
            statuses.add(List.of(change.line()), now);
          } else {
            lines.add(change.line());
          }
        }
        nextPoll = now.plus(refresh);
        if (last.status().terminal() && terminalSince == null) {
          terminalSince = now;
        }
      }
      lines.addAll(logsDone ? statuses.all() : statuses.due(now));
      draw(lines, last, now);
      boolean ended =
          last != null
              && last.status().terminal()
              && (logsDone || Duration.between(terminalSince, now).compareTo(LOG_GRACE) > 0);
      if (ended) {
        finish(last);
        return last;
      }
    }
  }

  private void draw(List<String> lines, BuildState last, Instant now) {
    if (live) {
      out.print(
          screen.frame(
              lines, last == null ? List.of() : renderer.table(last, now), columns.getAsInt()));
    } else {
      lines.forEach(out::println);
    }
    out.flush();
  }

  private void finish(BuildState build) {
    if (live) {
      out.print(screen.clear());
    }
    // Ended without the log stream saying so (LOG_GRACE): what is still held goes out now.
    statuses.all().forEach(out::println);
    renderer.summary(build, clock.instant()).forEach(out::println);
    out.flush();
  }
}
