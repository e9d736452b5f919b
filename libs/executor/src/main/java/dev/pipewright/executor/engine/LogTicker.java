package dev.pipewright.executor.engine;

import dev.pipewright.executor.LogChunker;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Enforces the chunkers' time bound: a quiet step's last lines reach the sink within about {@code
 * maxDelay} even though no new line arrives to trigger a cut.
 */
final class LogTicker implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(LogTicker.class);

  private final Set<LogChunker> active = ConcurrentHashMap.newKeySet();
  private final ScheduledExecutorService timer;

  LogTicker(Duration maxDelay) {
    timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> Thread.ofPlatform().daemon().name("pipewright-log-ticker").unstarted(r));
    long period = Math.max(10, maxDelay.toMillis() / 2);
    timer.scheduleAtFixedRate(this::tick, period, period, TimeUnit.MILLISECONDS);
  }

  void register(LogChunker chunker) {
    active.add(chunker);
  }

  void unregister(LogChunker chunker) {
    active.remove(chunker);
  }

  private void tick() {
    for (LogChunker c : active) {
      try {
        c.flushIfDue();
      } catch (RuntimeException e) {
        log.warn("log flush failed: {}", e.toString());
      }
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
