package dev.pipewright.kubernetes.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class GroupWriterTest {
  private final List<Map<String, String>> written = new CopyOnWriteArrayList<>();
  private final CountDownLatch firstMayFinish = new CountDownLatch(1);
  private final AtomicInteger calls = new AtomicInteger();

  @Test
  void writersQueuedBehindAWriteInFlightShareTheNextWrite() {
    GroupWriter<String> writer = new GroupWriter<>(this::blockFirstWrite);
    CompletableFuture<Void> first = async(() -> writer.write("b1", "ctx", Map.of("a", "1")));
    await().atMost(Duration.ofSeconds(10)).until(() -> calls.get() == 1);
    List<CompletableFuture<Void>> queued =
        List.of(
            async(() -> writer.write("b1", "ctx", Map.of("b", "2"))),
            async(() -> writer.write("b1", "ctx", Map.of("c", "3"))));
    // They cannot be done before the write in flight ends.
    assertThat(queued).noneMatch(CompletableFuture::isDone);
    firstMayFinish.countDown();
    CompletableFuture.allOf(first, queued.get(0), queued.get(1)).join();
    assertThat(written.getFirst()).isEqualTo(Map.of("a", "1"));
    // Each queued caller is written once, after the first write: merged into one write when both
    // reached the queue while it was in flight.
    assertThat(written.stream().skip(1).flatMap(m -> m.keySet().stream()))
        .containsExactlyInAnyOrder("b", "c");
    assertThat(written.size()).isBetween(2, 3);
  }

  @Test
  void aFailedWriteFailsItsCallersAndTheNextWriteStillHappens() {
    GroupWriter<String> writer =
        new GroupWriter<>(
            (key, ctx, entries) -> {
              if (entries.containsKey("bad")) {
                throw new IllegalStateException("API down");
              }
              written.add(entries);
            });
    assertThatThrownBy(() -> writer.write("b1", "ctx", Map.of("bad", "x")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("API down");
    writer.write("b1", "ctx", Map.of("good", "y"));
    assertThat(written).containsExactly(Map.of("good", "y"));
  }

  private void blockFirstWrite(String key, String ctx, Map<String, String> entries) {
    if (calls.incrementAndGet() == 1) {
      try {
        assertThat(firstMayFinish.await(10, TimeUnit.SECONDS)).isTrue();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    written.add(Map.copyOf(entries));
  }

  private static CompletableFuture<Void> async(Runnable r) {
    return CompletableFuture.runAsync(r, command -> Thread.ofVirtual().start(command));
  }
}
