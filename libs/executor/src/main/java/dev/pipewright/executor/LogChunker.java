package dev.pipewright.executor;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One step's log stream: lines are masked, batched into chunks of about {@code maxChars} chars or
 * {@code maxDelay} of age, whichever comes first, and appended with consecutive seqs starting after
 * {@code lastSeq}. Thread-safe: a reader thread feeds lines while a ticker calls {@link
 * #flushIfDue}.
 *
 * <p>Chunks are written by a writer task on {@code writer}, not by the thread that feeds lines, so
 * a step's output is read and masked while earlier chunks are being stored; the writer hands every
 * chunk waiting at that moment to the sink at once ({@link LogSink#appendAll}, one transaction).
 * When {@link #HIGH_WATER} chunks wait for a healthy sink, {@link #line} blocks: the step's output
 * pipe then fills and the step slows down to the speed of storage instead of losing lines.
 *
 * <p>Chunks the sink refused stay queued with their seqs and are retried on the next flush, so a
 * storage hiccup neither loses nor reorders lines; while the sink keeps failing, more than {@link
 * #MAX_PENDING} waiting chunks drop the oldest, and {@link #close} gives it a few last tries.
 * {@link #flush} and {@link #close} return once every chunk was stored (or the sink failed), so
 * what a caller records after them (the step's end) never overtakes the step's lines.
 */
public final class LogChunker implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(LogChunker.class);

  public static final int DEFAULT_MAX_CHARS = 64 * 1024;
  public static final Duration DEFAULT_MAX_DELAY = Duration.ofMillis(200);

  /** Chunks waiting for a healthy sink before {@link #line} waits: 2 MiB of default chunks. */
  static final int HIGH_WATER = 32;

  /** Chunks kept for a failing sink, after which the oldest is dropped: 16 MiB by default. */
  static final int MAX_PENDING = 256;

  private static final int CLOSE_ATTEMPTS = 3;

  /** The usual writer: a virtual thread per stream, only while it has chunks to store. */
  public static final Executor VIRTUAL_THREADS =
      task -> Thread.ofVirtual().name("log-writer").start(task);

  private final LogSink sink;
  private final JobRef job;
  private final int stepNumber;
  private final SecretMasker masker;
  private final int maxChars;
  private final long maxDelayNanos;
  private final LongSupplier nanoClock;
  private final Executor writer;
  private final ArrayDeque<LogChunk> pending = new ArrayDeque<>();

  private StringBuilder buffer;
  private long firstLineAt;
  private long seq;
  private boolean closed;

  /** A writer task is scheduled or running; it owns the chunks it took from {@link #pending}. */
  private boolean writing;

  /** The sink refused the last batch: don't wait for it, and let a backlog drop its oldest. */
  private boolean failing;

  public LogChunker(LogSink sink, JobRef job, int stepNumber, long lastSeq, SecretMasker masker) {
    this(
        sink,
        job,
        stepNumber,
        lastSeq,
        masker,
        DEFAULT_MAX_CHARS,
        DEFAULT_MAX_DELAY,
        System::nanoTime,
        VIRTUAL_THREADS);
  }

  /**
   * @param writer runs the tasks that hand chunks to the sink; {@code Runnable::run} writes on the
   *     calling thread (tests)
   */
  public LogChunker(
      LogSink sink,
      JobRef job,
      int stepNumber,
      long lastSeq,
      SecretMasker masker,
      int maxChars,
      Duration maxDelay,
      LongSupplier nanoClock,
      Executor writer) {
    this.sink = Objects.requireNonNull(sink);
    this.job = Objects.requireNonNull(job);
    this.stepNumber = stepNumber;
    this.seq = lastSeq;
    this.masker = Objects.requireNonNull(masker);
    this.maxChars = maxChars;
    this.maxDelayNanos = maxDelay.toNanos();
    this.nanoClock = nanoClock;
    this.writer = Objects.requireNonNull(writer);
    this.buffer = new StringBuilder(Math.min(maxChars + 256, 1 << 20));
  }

  /** Adds one line (without its terminator); it is masked now, with the values known now. */
  public synchronized void line(String raw) {
    if (closed) {
      throw new IllegalStateException("log stream of step " + stepNumber + " is closed");
    }
    String masked = masker.mask(raw);
    if (buffer.isEmpty()) {
      firstLineAt = nanoClock.getAsLong();
    }
    buffer.append(masked).append('\n');
    if (buffer.length() >= maxChars) {
      cut();
      write();
      awaitBelow(HIGH_WATER);
    }
  }

  /** Emits the buffered lines if the oldest has waited {@code maxDelay}; retries refused chunks. */
  public synchronized void flushIfDue() {
    if (!buffer.isEmpty() && nanoClock.getAsLong() - firstLineAt >= maxDelayNanos) {
      cut();
    }
    write();
  }

  /** Emits whatever is buffered now and waits until it is stored or the sink refused it. */
  public synchronized void flush() {
    cut();
    write();
    awaitBelow(1);
  }

  /** The seq of the last chunk handed to the sink (accepted or still pending). */
  public synchronized long lastSeq() {
    return seq;
  }

  /** Flushes and refuses further lines; chunks the sink keeps refusing are dropped with a log. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    cut();
    for (int attempt = 1; attempt <= CLOSE_ATTEMPTS; attempt++) {
      failing = false;
      write();
      awaitBelow(1);
      if (pending.isEmpty() && !writing) {
        return;
      }
      if (attempt < CLOSE_ATTEMPTS && !pause(100L * attempt)) {
        break;
      }
    }
    awaitWriter();
    if (!pending.isEmpty() && !writing) {
      log.error(
          "dropping {} log chunks of {} step {} (seq {}..{}): the log sink keeps failing",
          pending.size(),
          job,
          stepNumber,
          pending.peekFirst().seq(),
          pending.peekLast().seq());
      pending.clear();
    }
  }

  private void cut() {
    if (buffer.isEmpty()) {
      return;
    }
    seq++;
    pending.addLast(new LogChunk(job.buildId(), job.jobKey(), stepNumber, seq, buffer.toString()));
    buffer.setLength(0);
    if (pending.size() > MAX_PENDING) {
      LogChunk dropped = pending.removeFirst();
      log.error(
          "log sink backlog full for {} step {}: dropped seq {}", job, stepNumber, dropped.seq());
    }
  }

  /** Starts a writer task unless one is at work or there is nothing to write. */
  private void write() {
    if (writing || pending.isEmpty()) {
      return;
    }
    writing = true;
    try {
      writer.execute(this::drain);
    } catch (RuntimeException e) {
      writing = false;
      throw e;
    }
  }

  /** The writer task: stores batches of waiting chunks until none is left or the sink refuses. */
  private void drain() {
    while (true) {
      List<LogChunk> batch;
      synchronized (this) {
        if (pending.isEmpty()) {
          writing = false;
          notifyAll();
          return;
        }
        batch = new ArrayList<>(pending);
        pending.clear();
      }
      try {
        sink.appendAll(batch);
      } catch (RuntimeException e) {
        log.warn(
            "log sink refused {} step {} seq {}..{}; will retry: {}",
            job,
            stepNumber,
            batch.getFirst().seq(),
            batch.getLast().seq(),
            e.toString());
        synchronized (this) {
          // Back in front of what was cut meanwhile, so the seqs stay in order.
          for (int i = batch.size() - 1; i >= 0; i--) {
            pending.addFirst(batch.get(i));
          }
          failing = true;
          writing = false;
          notifyAll();
        }
        return;
      }
      synchronized (this) {
        failing = false;
        notifyAll();
      }
    }
  }

  /**
   * Waits while a healthy sink has {@code limit} or more chunks to store, counting a batch being
   * written as one. Returns early when interrupted (the flag stays set); the writer goes on.
   */
  private void awaitBelow(int limit) {
    while (!failing && pending.size() + (writing ? 1 : 0) >= limit) {
      write();
      if (!writing || !pause(0)) {
        return;
      }
    }
  }

  /** Lets a writer that is still at work finish, so no task writes after {@link #close}. */
  private void awaitWriter() {
    while (writing && pause(0)) {
      // the writer notifies when it stops
    }
  }

  /** Waits on this monitor (the writer notifies after every batch); false when interrupted. */
  private boolean pause(long millis) {
    try {
      wait(millis);
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
