package dev.pipewright.ops.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class GracefulShutdownTest {
  private final List<String> events = new CopyOnWriteArrayList<>();

  @Test
  void stopsInReverseOrderAfterTheBeginActions() {
    GracefulShutdown shutdown = new GracefulShutdown(Duration.ofSeconds(5));
    shutdown.onBegin(() -> events.add("not ready"));
    shutdown.register("http", () -> events.add("http"));
    shutdown.register("database", () -> events.add("database"));
    shutdown.register("consumer", () -> events.add("consumer"));

    GracefulShutdown.Report report = shutdown.shutdown();

    assertThat(events).containsExactly("not ready", "consumer", "database", "http");
    assertThat(report.stopped()).containsExactly("consumer", "database", "http");
    assertThat(report.clean()).isTrue();
  }

  @Test
  void aStopperPastTheGraceIsLeftBehindAndTheRestStillRun() {
    CountDownLatch never = new CountDownLatch(1);
    AtomicBoolean interrupted = new AtomicBoolean();
    GracefulShutdown shutdown = new GracefulShutdown(Duration.ofMillis(200));
    shutdown.register("connections", () -> events.add("connections"));
    shutdown.register(
        "builds",
        () -> {
          try {
            never.await();
          } catch (InterruptedException e) {
            interrupted.set(true);
            throw e;
          }
        });

    long start = System.nanoTime();
    GracefulShutdown.Report report = shutdown.shutdown();
    long millis = (System.nanoTime() - start) / 1_000_000;

    assertThat(report.timedOut()).containsExactly("builds");
    // Started past the deadline, given a short last chance, and done in it.
    assertThat(report.stopped()).containsExactly("connections");
    assertThat(events).containsExactly("connections");
    assertThat(report.clean()).isFalse();
    assertThat(millis).isGreaterThanOrEqualTo(200).isLessThan(5_000);
    assertThat(report.took()).isGreaterThanOrEqualTo(Duration.ofMillis(200));
    await().atMost(Duration.ofSeconds(5)).untilTrue(interrupted);
  }

  @Test
  void aFailingStopperIsReportedAndTheOthersRun() {
    GracefulShutdown shutdown = new GracefulShutdown(Duration.ofSeconds(5));
    shutdown.register("pool", () -> events.add("pool"));
    shutdown.register(
        "broker",
        () -> {
          throw new IllegalStateException("channel already closed");
        });

    GracefulShutdown.Report report = shutdown.shutdown();

    assertThat(report.failed()).containsEntry("broker", "channel already closed");
    assertThat(report.stopped()).containsExactly("pool");
  }

  @Test
  void runsOnceForEveryCaller() throws Exception {
    AtomicInteger runs = new AtomicInteger();
    CountDownLatch release = new CountDownLatch(1);
    GracefulShutdown shutdown = new GracefulShutdown(Duration.ofSeconds(5));
    shutdown.register(
        "slow",
        () -> {
          runs.incrementAndGet();
          release.await();
        });

    CompletableFuture<GracefulShutdown.Report> first =
        CompletableFuture.supplyAsync(shutdown::shutdown);
    await().atMost(Duration.ofSeconds(5)).until(shutdown::started);
    CompletableFuture<GracefulShutdown.Report> second =
        CompletableFuture.supplyAsync(shutdown::shutdown);
    release.countDown();

    assertThat(second.get()).isSameAs(first.get());
    shutdown.close();
    assertThat(runs).hasValue(1);
    assertThatThrownBy(() -> shutdown.register("late", () -> {}))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("shutdown already started");
  }

  @Test
  void installsAJvmShutdownHook() {
    GracefulShutdown shutdown = new GracefulShutdown(Duration.ofSeconds(1));
    Thread hook = shutdown.installShutdownHook();
    assertThat(Runtime.getRuntime().removeShutdownHook(hook)).isTrue();
    assertThat(shutdown.started()).isFalse();
  }
}
