package dev.pipewright.executor;

import java.util.concurrent.atomic.AtomicLong;

/**
 * What is left of one build's log cap ({@link LogLimits#buildBytes()}), shared by the streams of
 * all its steps, which may run at once: each takes the bytes of a line before keeping it.
 * Thread-safe.
 */
public final class LogBudget {
  /** No per-build cap: for sinks that do not count their builds' bytes. */
  public static final LogBudget UNLIMITED = new LogBudget(Long.MAX_VALUE, 0);

  private final long limit;
  private final AtomicLong used;

  /**
   * @param used bytes the build's log already holds (an earlier attempt, another worker)
   */
  public LogBudget(long limit, long used) {
    this.limit = limit;
    this.used = new AtomicLong(used);
  }

  public long limit() {
    return limit;
  }

  /** Takes {@code bytes} if they fit, all or nothing; false when the build's log is full. */
  boolean take(long bytes) {
    if (limit == Long.MAX_VALUE) {
      return true;
    }
    long before;
    do {
      before = used.get();
      if (before + bytes > limit) {
        return false;
      }
    } while (!used.compareAndSet(before, before + bytes));
    return true;
  }
}
