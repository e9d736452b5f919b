package dev.pipewright.ops.lifecycle;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stops a process in the reverse order of start, within one grace period for everything. Register
 * each resource right after starting it; stopping then undoes the start:
 *
 * <pre>{@code
 * GracefulShutdown shutdown = new GracefulShutdown(config.shutdownGrace());
 * OpsHttpServer http = OpsHttpServer.builder(config.httpPort()) ... .start();
 * shutdown.onBegin(http::markShuttingDown);      // probes say 503 at once
 * shutdown.register("http server", http::close);  // registered first: stopped last
 * shutdown.register("database pool", pool::close);
 * shutdown.register("rabbitmq", queue::close);
 * shutdown.register("consumer", consumer::stopAndHandBack); // stop consuming, hand back builds
 * shutdown.installShutdownHook();                // SIGTERM from Kubernetes
 * }</pre>
 *
 * <p>Each stopper runs on its own daemon thread. One that has not returned when the grace period is
 * over is logged, interrupted and left behind, and the next one runs: connections still get closed
 * when a build did not hand back in time. After the deadline the remaining stoppers are still
 * started, but not waited for. A stopper that throws is logged; the others still run. {@link
 * #shutdown()} runs once; later and concurrent calls wait for it and get its report.
 */
public final class GracefulShutdown implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(GracefulShutdown.class);

  /** How long each stopper started after the deadline is waited for. */
  public static final Duration LATE_WAIT = Duration.ofMillis(50);

  /** One step of stopping; may block up to the grace period and should honour interruption. */
  @FunctionalInterface
  public interface Stopper {
    void stop() throws Exception;
  }

  /**
   * What happened, by stopper name, in the order they ran.
   *
   * @param failed name → the exception's message
   */
  public record Report(
      List<String> stopped, List<String> timedOut, Map<String, String> failed, Duration took) {
    public Report {
      stopped = List.copyOf(stopped);
      timedOut = List.copyOf(timedOut);
      failed = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(failed));
    }

    /** Everything stopped in time and without error. */
    public boolean clean() {
      return timedOut.isEmpty() && failed.isEmpty();
    }
  }

  private record Named(String name, Stopper stopper) {}

  private final Duration grace;
  private final List<Runnable> onBegin = new ArrayList<>();
  private final List<Named> stoppers = new ArrayList<>();
  private final AtomicReference<Thread> runner = new AtomicReference<>();
  private volatile Report report;

  public GracefulShutdown(Duration grace) {
    if (grace.isNegative()) {
      throw new IllegalArgumentException("grace must not be negative: " + grace);
    }
    this.grace = grace;
  }

  /**
   * Runs {@code action} first when shutdown begins, before any stopper (e.g. flip readiness to
   * 503). Should return at once; it is not bounded by the grace period.
   */
  public synchronized GracefulShutdown onBegin(Runnable action) {
    checkNotStarted();
    onBegin.add(Objects.requireNonNull(action, "action"));
    return this;
  }

  /** Adds a stopper; the last registered runs first. */
  public synchronized GracefulShutdown register(String name, Stopper stopper) {
    checkNotStarted();
    stoppers.add(new Named(name, Objects.requireNonNull(stopper, "stopper")));
    return this;
  }

  /**
   * Runs {@link #shutdown()} when the JVM is asked to exit (SIGTERM, SIGINT, {@code System.exit}).
   *
   * @return the hook thread, for {@code Runtime.removeShutdownHook}
   */
  public Thread installShutdownHook() {
    Thread hook = new Thread(this::shutdown, "pipewright-shutdown-hook");
    Runtime.getRuntime().addShutdownHook(hook);
    return hook;
  }

  public boolean started() {
    return runner.get() != null;
  }

  /** Stops everything (once); blocks until done or the grace period is over. */
  public Report shutdown() {
    if (runner.compareAndSet(null, Thread.currentThread())) {
      report = run();
      synchronized (this) {
        notifyAll();
      }
      return report;
    }
    synchronized (this) {
      while (report == null) {
        try {
          wait();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return new Report(List.of(), List.of(), Map.of(), Duration.ZERO);
        }
      }
      return report;
    }
  }

  @Override
  public void close() {
    shutdown();
  }

  private Report run() {
    List<Runnable> first;
    List<Named> order;
    synchronized (this) {
      first = List.copyOf(onBegin);
      order = new ArrayList<>(stoppers).reversed();
    }
    long start = System.nanoTime();
    long deadline = start + grace.toNanos();
    log.info("Shutting down: {} step(s) within {} ms", order.size(), grace.toMillis());
    for (Runnable action : first) {
      try {
        action.run();
      } catch (RuntimeException e) {
        log.warn("Shutdown start action failed", e);
      }
    }
    List<String> stopped = new ArrayList<>();
    List<String> timedOut = new ArrayList<>();
    Map<String, String> failed = new LinkedHashMap<>();
    for (Named step : order) {
      AtomicReference<Throwable> error = new AtomicReference<>();
      long stepStart = System.nanoTime();
      Thread thread =
          Thread.ofPlatform()
              .daemon()
              .name("shutdown-" + step.name())
              .start(
                  () -> {
                    try {
                      step.stopper().stop();
                    } catch (Throwable t) {
                      error.set(t);
                    }
                  });
      boolean done;
      try {
        done =
            thread.join(
                Duration.ofNanos(Math.max(LATE_WAIT.toNanos(), deadline - System.nanoTime())));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        done = !thread.isAlive();
      }
      long millis = (System.nanoTime() - stepStart) / 1_000_000;
      if (!done) {
        thread.interrupt();
        timedOut.add(step.name());
        log.warn(
            "{} did not stop within the {} ms grace period; left behind after {} ms",
            step.name(),
            grace.toMillis(),
            millis);
      } else if (error.get() != null) {
        Throwable t = error.get();
        failed.put(step.name(), t.getMessage() == null ? t.toString() : t.getMessage());
        log.warn("Stopping {} failed after {} ms", step.name(), millis, t);
      } else {
        stopped.add(step.name());
        log.info("Stopped {} in {} ms", step.name(), millis);
      }
    }
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    Report result = new Report(stopped, timedOut, failed, took);
    if (result.clean()) {
      log.info("Shutdown complete in {} ms", took.toMillis());
    } else {
      log.warn(
          "Shutdown finished in {} ms; not stopped in time: {}; failed: {}",
          took.toMillis(),
          timedOut,
          failed.keySet());
    }
    return result;
  }

  private void checkNotStarted() {
    if (started()) {
      throw new IllegalStateException("shutdown already started");
    }
  }
}
