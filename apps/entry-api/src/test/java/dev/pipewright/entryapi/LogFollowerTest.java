package dev.pipewright.entryapi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pipewright.api.ci.v1.GetBuildLogsResponse;
import dev.pipewright.api.ci.v1.LogChunk;
import dev.pipewright.models.BuildStatus;
import dev.pipewright.models.JobStatus;
import dev.pipewright.models.StepStatus;
import dev.pipewright.store.BuildView;
import dev.pipewright.store.JobView;
import dev.pipewright.store.StepView;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.Test;

class LogFollowerTest {
  @Test
  void wholeBuildIsFinishedWhenTheBuildIs() {
    assertThat(LogFollower.finished(build(BuildStatus.RUNNING, List.of()), null, null)).isFalse();
    assertThat(LogFollower.finished(build(BuildStatus.FAILED, List.of()), null, null)).isTrue();
  }

  @Test
  void jobSelectionFinishesWithTheJob() {
    JobView running = job("test", JobStatus.RUNNING, List.of(step(1, StepStatus.SUCCEEDED)));
    JobView done = job("lint", JobStatus.SUCCEEDED, List.of());
    BuildView build = build(BuildStatus.RUNNING, List.of(running, done));
    assertThat(LogFollower.finished(build, "test", null)).isFalse();
    assertThat(LogFollower.finished(build, "lint", null)).isTrue();
    // Not planned yet: wait for it.
    assertThat(LogFollower.finished(build, "deploy", null)).isFalse();
  }

  @Test
  void stepSelectionFinishesWithTheStepOrItsJob() {
    JobView running =
        job(
            "test",
            JobStatus.RUNNING,
            List.of(step(1, StepStatus.SUCCEEDED), step(2, StepStatus.RUNNING)));
    BuildView build = build(BuildStatus.RUNNING, List.of(running));
    assertThat(LogFollower.finished(build, "test", 1)).isTrue();
    assertThat(LogFollower.finished(build, "test", 2)).isFalse();
    assertThat(LogFollower.finished(build, "test", 3)).isFalse();
    JobView failed = job("test", JobStatus.FAILED, List.of(step(1, StepStatus.FAILED)));
    assertThat(LogFollower.finished(build(BuildStatus.RUNNING, List.of(failed)), "test", 3))
        .isTrue();
  }

  @Test
  void pagesAreSplitByBytesWithAtLeastOneChunkEach() {
    List<LogChunk> chunks =
        List.of(chunk(1, 400), chunk(2, 400), chunk(3, 400), chunk(4, 5000), chunk(5, 10));
    long size = chunks.get(0).getSerializedSize();
    List<List<LogChunk>> parts = LogFollower.split(chunks, 2 * size);
    assertThat(parts)
        .extracting(p -> p.stream().map(LogChunk::getSequence).toList())
        .containsExactly(List.of(1L, 2L), List.of(3L), List.of(4L), List.of(5L));
    assertThat(LogFollower.split(chunks, Long.MAX_VALUE)).containsExactly(chunks);
    assertThat(LogFollower.split(List.of(), 10)).isEmpty();
  }

  @Test
  void aClientThatFallsBehindIsResumedWhenItIsReadyNotAtTheNextPoll() throws Exception {
    // 600 KB each: every chunk is a response of its own, so one page leaves parts unsent.
    List<LogChunk> log =
        java.util.stream.LongStream.rangeClosed(1, 5).mapToObj(seq -> chunk(seq, 600_000)).toList();
    LogSource source =
        (build, job, step, after, limit) ->
            log.stream().filter(c -> c.getSequence() > after).limit(limit).toList();
    SlowClient<GetBuildLogsResponse> client = new SlowClient<>();
    ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    try {
      // A poll an hour away: only the ready callback can finish this stream in time.
      new LogFollower(
              UUID.randomUUID(),
              "build",
              null,
              0,
              false,
              source,
              () -> true,
              client,
              scheduler,
              Duration.ofHours(1))
          .start();
      assertThat(client.sent).hasSize(1);
      for (int i = 0; i < 10 && !client.completed; i++) {
        int before = client.sent.size();
        client.becomeReady();
        await()
            .atMost(Duration.ofSeconds(10))
            .until(() -> client.sent.size() > before || client.completed);
      }
      await().atMost(Duration.ofSeconds(10)).until(() -> client.completed || client.failed != null);
      assertThat(client.failed).isNull();
      assertThat(client.sent.stream().flatMap(r -> r.getChunksList().stream()))
          .extracting(LogChunk::getSequence)
          .containsExactly(1L, 2L, 3L, 4L, 5L);
    } finally {
      scheduler.shutdownNow();
    }
  }

  static LogChunk chunk(long seq, int bytes) {
    return LogChunk.newBuilder()
        .setJobKey("build")
        .setSequence(seq)
        .setCursor(Long.toString(seq))
        .setContent("x".repeat(bytes))
        .build();
  }

  static BuildView build(BuildStatus status, List<JobView> jobs) {
    return new BuildView(
        UUID.randomUUID(),
        "p",
        1,
        status,
        null,
        null,
        "",
        null,
        null,
        null,
        null,
        Map.of(),
        Map.of(),
        null,
        Instant.EPOCH,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        0,
        1,
        jobs);
  }

  static JobView job(String key, JobStatus status, List<StepView> steps) {
    return new JobView(
        UUID.randomUUID(),
        UUID.randomUUID(),
        key,
        key,
        key,
        null,
        List.of(),
        status,
        null,
        null,
        Map.of(),
        Instant.EPOCH,
        null,
        null,
        0,
        null,
        steps);
  }

  static StepView step(int number, StepStatus status) {
    return new StepView(
        UUID.randomUUID(),
        number,
        "s" + number,
        status,
        null,
        null,
        null,
        null,
        null,
        Map.of(),
        null,
        null,
        1,
        List.of(),
        null,
        null,
        List.of());
  }
}
