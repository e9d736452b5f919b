package dev.pipewright.cli.view;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Holds status lines back for a moment so a step's or job's end comes after its last log lines:
 * states are polled, logs streamed, and a poll can see a step ended before the stream delivered the
 * lines it wrote just before (a runner stores a step's log before its end, and the API's stream
 * reads new chunks every few hundred milliseconds). Lines leave in the order they came. Pure: the
 * caller supplies the times.
 */
public final class StatusHold {
  private record Held(String line, Instant due) {}

  private final Duration lag;
  private final Deque<Held> held = new ArrayDeque<>();

  /**
   * @param lag how long a status line waits for log lines written before it
   */
  public StatusHold(Duration lag) {
    this.lag = lag;
  }

  /** Holds {@code lines}, seen at {@code now}. */
  public void add(List<String> lines, Instant now) {
    lines.forEach(line -> held.add(new Held(line, now.plus(lag))));
  }

  /** The lines whose wait is over at {@code now}, in order. */
  public List<String> due(Instant now) {
    List<String> out = new ArrayList<>();
    while (!held.isEmpty() && !held.peekFirst().due().isAfter(now)) {
      out.add(held.pollFirst().line());
    }
    return out;
  }

  /** Every line still held (no more logs can come). */
  public List<String> all() {
    List<String> out = new ArrayList<>();
    held.forEach(h -> out.add(h.line()));
    held.clear();
    return out;
  }

  /** When the next line is due; null when none is held. */
  public Instant next() {
    return held.isEmpty() ? null : held.peekFirst().due();
  }
}
