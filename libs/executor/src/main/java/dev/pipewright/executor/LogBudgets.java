package dev.pipewright.executor;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.ToLongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link LogBudget} of each build a sink writes for, for {@link LogSink#budget}. A build's
 * budget starts from what its log already holds ({@code stored}, asked once per build), so an
 * attempt run again after its worker died, or a budget forgotten here, counts the earlier attempts'
 * lines too. The most recently used builds are remembered; a forgotten one is asked again.
 * Thread-safe.
 */
public final class LogBudgets {
  private static final Logger log = LoggerFactory.getLogger(LogBudgets.class);

  /** Far more builds than a worker runs at once, so a running build is not forgotten. */
  private static final int REMEMBERED = 1024;

  private final long limit;
  private final ToLongFunction<String> stored;
  private final Map<String, LogBudget> recent =
      new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, LogBudget> eldest) {
          return size() > REMEMBERED;
        }
      };

  /**
   * @param stored the bytes a build's log holds already; a failure counts as none (the cap is a
   *     bound on storage, not worth failing a step for)
   */
  public LogBudgets(long limit, ToLongFunction<String> stored) {
    this.limit = limit;
    this.stored = stored;
  }

  public LogBudget of(String buildId) {
    synchronized (recent) {
      LogBudget known = recent.get(buildId);
      if (known != null) {
        return known;
      }
    }
    // Asked outside the lock: a slow store must not hold up the other builds' streams.
    LogBudget fresh = new LogBudget(limit, storedSoFar(buildId));
    synchronized (recent) {
      return recent.computeIfAbsent(buildId, id -> fresh);
    }
  }

  private long storedSoFar(String buildId) {
    try {
      return stored.applyAsLong(buildId);
    } catch (RuntimeException e) {
      log.warn(
          "could not read the log size of build {}; counting from 0: {}", buildId, e.toString());
      return 0;
    }
  }
}
