package dev.pipewright.entryapi;

import dev.pipewright.api.ci.v1.GetBuildLogsResponse;
import dev.pipewright.api.ci.v1.LogChunk;
import dev.pipewright.store.BuildView;
import dev.pipewright.store.JobView;
import dev.pipewright.store.StepView;
import io.grpc.stub.ServerCallStreamObserver;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * One GetBuildLogs stream: sends every chunk after the cursor, then, when following, polls for new
 * ones until the selection (step, job or build) is finished. Runs as short tasks on a shared
 * scheduler, so a thousand idle followers hold no thread. When the client falls behind (the stream
 * is not ready: its flow-control window is full) the follower stops reading and resumes from the
 * stream's ready callback, so a reader of a long log gets it as fast as it takes it, with at most a
 * page buffered.
 *
 * <p>The finished check is taken <em>before</em> reading: a runner writes a step's chunks before it
 * records the step's end, so a read that follows a "finished" answer sees every chunk.
 */
final class LogFollower implements Runnable {
  static final int PAGE = 200;

  /**
   * Content per response: a page of 200 chunks can reach ~13 MB, past gRPC's default 4 MiB message
   * limit of every client.
   */
  static final long MAX_RESPONSE_BYTES = 1 << 20;

  private final UUID buildId;
  private final String jobKey;
  private final Integer stepNumber;
  private final boolean follow;
  private final LogSource logs;
  private final BooleanSupplier finished;
  private final ServerCallStreamObserver<GetBuildLogsResponse> out;
  private final ScheduledExecutorService scheduler;
  private final Duration interval;
  private volatile boolean cancelled;
  private long cursor;

  /** Stopped because the stream was not ready; the ready callback resumes it. */
  private boolean awaitingReady;

  /** Responses of a page read but not sent yet, because the stream was not ready. */
  private final ArrayDeque<List<LogChunk>> unsent = new ArrayDeque<>();

  LogFollower(
      UUID buildId,
      String jobKey,
      Integer stepNumber,
      long cursor,
      boolean follow,
      LogSource logs,
      BooleanSupplier finished,
      ServerCallStreamObserver<GetBuildLogsResponse> out,
      ScheduledExecutorService scheduler,
      Duration interval) {
    this.buildId = buildId;
    this.jobKey = jobKey;
    this.stepNumber = stepNumber;
    this.cursor = cursor;
    this.follow = follow;
    this.logs = logs;
    this.finished = finished;
    this.out = out;
    this.scheduler = scheduler;
    this.interval = interval;
  }

  void start() {
    out.setOnCancelHandler(() -> cancelled = true);
    out.setOnReadyHandler(this::resume);
    run();
  }

  /** The stream became ready: continue at once if it was what held the follower back. */
  private void resume() {
    synchronized (this) {
      if (!awaitingReady) {
        return;
      }
      awaitingReady = false;
    }
    try {
      scheduler.execute(this);
    } catch (RejectedExecutionException e) {
      out.onError(
          io.grpc.Status.UNAVAILABLE.withDescription("server shutting down").asRuntimeException());
    }
  }

  @Override
  public synchronized void run() {
    if (cancelled) {
      return;
    }
    try {
      boolean done = !follow || finished.getAsBoolean();
      // Parts left from an earlier pass were read before this finished check: read again after.
      boolean pageFull = !unsent.isEmpty();
      while (true) {
        if (unsent.isEmpty()) {
          List<LogChunk> chunks = logs.read(buildId, jobKey, stepNumber, cursor, PAGE);
          unsent.addAll(split(chunks, MAX_RESPONSE_BYTES));
          pageFull = chunks.size() == PAGE;
        }
        while (!unsent.isEmpty()) {
          if (!out.isReady()) {
            awaitingReady = true;
            return;
          }
          List<LogChunk> part = unsent.removeFirst();
          String last = part.get(part.size() - 1).getCursor();
          cursor = Long.parseLong(last);
          out.onNext(GetBuildLogsResponse.newBuilder().addAllChunks(part).setCursor(last).build());
        }
        if (!pageFull) {
          if (done) {
            out.onCompleted();
            return;
          }
          break;
        }
      }
      scheduler.schedule(this, interval.toMillis(), TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      out.onError(
          io.grpc.Status.UNAVAILABLE.withDescription("server shutting down").asRuntimeException());
    } catch (RuntimeException e) {
      out.onError(GrpcErrors.toStatus(e));
    }
  }

  /**
   * Cuts a page into consecutive runs of at most {@code maxBytes} (serialized) each; a chunk larger
   * than that goes alone, so every run has at least one chunk and every chunk is sent.
   */
  static List<List<LogChunk>> split(List<LogChunk> chunks, long maxBytes) {
    List<List<LogChunk>> parts = new ArrayList<>();
    int from = 0;
    long bytes = 0;
    for (int i = 0; i < chunks.size(); i++) {
      long size = chunks.get(i).getSerializedSize();
      if (i > from && bytes + size > maxBytes) {
        parts.add(chunks.subList(from, i));
        from = i;
        bytes = 0;
      }
      bytes += size;
    }
    if (from < chunks.size()) {
      parts.add(chunks.subList(from, chunks.size()));
    }
    return parts;
  }

  /**
   * Whether no more chunks can come for the selection: the build finished, or the selected job (or
   * step) did.
   */
  static boolean finished(BuildView build, String jobKey, Integer stepNumber) {
    if (build.status().terminal()) {
      return true;
    }
    if (jobKey == null) {
      return false;
    }
    Optional<JobView> job = build.jobs().stream().filter(j -> j.key().equals(jobKey)).findFirst();
    if (job.isEmpty()) {
      return false;
    }
    if (job.get().status().terminal() || stepNumber == null) {
      return job.get().status().terminal();
    }
    return job.get().steps().stream()
        .filter(s -> s.number() == stepNumber)
        .findFirst()
        .map(StepView::status)
        .map(s -> s.terminal())
        .orElse(false);
  }
}
