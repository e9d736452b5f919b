package dev.pipewright.entryapi;

import dev.pipewright.api.ci.v1.GetBuildLogsResponse;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * GetBuildLogs' output as a queue that a console event stream drains: the same {@link LogFollower}
 * that serves gRPC clients, with the same flow control. The follower runs on the shared scheduler
 * and must never block there, so it only offers while {@link #isReady()} says there is room; the
 * reader's {@link #take} makes room and resumes it.
 */
final class QueuedLogStream extends LocalCallObserver<GetBuildLogsResponse> {
  /** What the queue holds besides responses. */
  sealed interface End {}

  record Completed() implements End {}

  record Failed(Throwable error) implements End {}

  private static final int CAPACITY = 8;

  private final BlockingQueue<Object> queue = new ArrayBlockingQueue<>(CAPACITY + 1);
  private volatile boolean cancelled;

  /**
   * The next response or {@link End}, or null when none came within {@code timeoutNanos}.
   *
   * @throws InterruptedException when the reading thread is interrupted
   */
  Object take(long timeoutNanos) throws InterruptedException {
    boolean wasFull = queue.size() >= CAPACITY;
    Object next = queue.poll(timeoutNanos, TimeUnit.NANOSECONDS);
    if (next != null && wasFull) {
      runOnReady();
    }
    return next;
  }

  /** The reader is gone: the follower stops at its next turn. */
  void cancel() {
    cancelled = true;
    runOnCancel();
  }

  @Override
  public boolean isReady() {
    return queue.size() < CAPACITY;
  }

  @Override
  public void onNext(GetBuildLogsResponse value) {
    if (!queue.offer(value)) {
      throw new IllegalStateException("a log page was sent while the stream was not ready");
    }
  }

  // The one slot past CAPACITY keeps room for the end after a full queue of pages.
  @Override
  public void onError(Throwable t) {
    queue.offer(new Failed(t));
  }

  @Override
  public void onCompleted() {
    queue.offer(new Completed());
  }

  @Override
  public boolean isCancelled() {
    return cancelled;
  }
}
