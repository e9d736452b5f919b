package dev.pipewright.store;

import dev.pipewright.models.CiException;
import dev.pipewright.models.ErrorCode;
import dev.pipewright.models.RetryPolicy;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Group commit for build creation: callers wait in {@link #create} (or on {@link #submit}'s future)
 * while a few writer threads insert whatever requests have queued up meanwhile with one {@link
 * BuildRepository#createAll} statement, so many builds share one round trip and one commit. Nothing
 * waits for a batch to fill: an idle writer takes the next request at once, and batches grow only
 * as fast as requests arrive while the previous statement runs.
 *
 * <p>A caller returns only after its build committed (or was found by its idempotency key), so what
 * it tells its client is durable. A batch the database refuses for a reason of its own request (too
 * long a value, a key committed concurrently by another process...) is retried request by request,
 * so one bad request fails alone; a TRANSIENT failure (database unreachable) fails the whole batch
 * at once rather than retrying each request against a dead server.
 */
public final class AdmissionWriter implements AutoCloseable {
  private static final long IDLE_POLL_MILLIS = 100;

  private final Function<List<NewBuild>, List<CreatedBuild>> createAll;
  private final int maxBatch;
  private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
  private final List<Thread> writers = new ArrayList<>();
  private volatile boolean closed;

  /**
   * @param maxBatch the most builds one statement inserts
   * @param writers statements that may run at once: with 2, one batch forms while the other is
   *     written
   */
  public AdmissionWriter(BuildRepository builds, int maxBatch, int writers) {
    this(builds::createAll, maxBatch, writers);
  }

  AdmissionWriter(
      Function<List<NewBuild>, List<CreatedBuild>> createAll, int maxBatch, int writers) {
    if (maxBatch < 1 || writers < 1) {
      throw new IllegalArgumentException("maxBatch and writers must be positive");
    }
    this.createAll = Objects.requireNonNull(createAll);
    this.maxBatch = maxBatch;
    for (int i = 0; i < writers; i++) {
      Thread t = Thread.ofPlatform().name("admission-writer-" + i).daemon().start(this::run);
      this.writers.add(t);
    }
  }

  /**
   * {@link BuildRepository#create}, batched with concurrent calls; blocks until the build
   * committed.
   *
   * @throws CiException as {@link BuildRepository#create}; TRANSIENT once the writer is closed,
   *     CANCELLED when interrupted (the build may still be created: retry with the same key)
   */
  public CreatedBuild create(NewBuild build) {
    try {
      return submit(build).get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new CiException(ErrorCode.PERMANENT, "admission failed: " + e.getCause(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CiException(ErrorCode.CANCELLED, "interrupted while the build was written", e);
    }
  }

  /**
   * Queues the build for the next batch. The future completes, on a writer thread, once the build
   * committed, or fails with a {@link CiException} as {@link BuildRepository#create} would; keep
   * what runs on completion short, it delays the next batch.
   */
  public CompletableFuture<CreatedBuild> submit(NewBuild build) {
    Pending pending = new Pending(Objects.requireNonNull(build), new CompletableFuture<>());
    if (closed) {
      return CompletableFuture.failedFuture(shutDown());
    }
    queue.add(pending);
    // close() may have drained the queue just before our add: then nobody will take it.
    if (closed && queue.remove(pending)) {
      return CompletableFuture.failedFuture(shutDown());
    }
    return pending.result();
  }

  private void run() {
    List<Pending> batch = new ArrayList<>(maxBatch);
    while (!closed || !queue.isEmpty()) {
      try {
        Pending first = queue.poll(IDLE_POLL_MILLIS, TimeUnit.MILLISECONDS);
        if (first == null) {
          continue;
        }
        batch.add(first);
        queue.drainTo(batch, maxBatch - 1);
        write(batch);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } finally {
        batch.clear();
      }
    }
  }

  private void write(List<Pending> batch) {
    try {
      List<CreatedBuild> created = createAll.apply(batch.stream().map(Pending::build).toList());
      for (int i = 0; i < batch.size(); i++) {
        batch.get(i).result().complete(created.get(i));
      }
    } catch (RuntimeException e) {
      boolean transientFailure = RetryPolicy.retryable(e);
      if (batch.size() == 1 || transientFailure) {
        batch.forEach(p -> p.result().completeExceptionally(e));
        return;
      }
      for (Pending p : batch) {
        try {
          p.result().complete(createAll.apply(List.of(p.build())).get(0));
        } catch (RuntimeException alone) {
          p.result().completeExceptionally(alone);
        }
      }
    }
  }

  /** Requests waiting for a writer. */
  int queued() {
    return queue.size();
  }

  private static CiException shutDown() {
    return new CiException(ErrorCode.TRANSIENT, "build admission is shutting down");
  }

  /** Writes what is queued, then stops the writers; later calls fail TRANSIENT. */
  @Override
  public void close() {
    closed = true;
    for (Thread t : writers) {
      try {
        t.join(TimeUnit.SECONDS.toMillis(30));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    for (Pending p; (p = queue.poll()) != null; ) {
      p.result().completeExceptionally(shutDown());
    }
  }

  private record Pending(NewBuild build, CompletableFuture<CreatedBuild> result) {}
}
