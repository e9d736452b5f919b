package dev.pipewright.executor;

import dev.pipewright.models.CiException;
import dev.pipewright.models.RetryPolicy;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One step's log stream: lines pass the rules of {@link LogLines} (masked, long lines split, the
 * step's and the build's caps of the sink's {@link LogSink#limits}), are batched into chunks of
 * about {@code maxChars} chars or {@code maxDelay} of age, whichever comes first, and appended with
 * consecutive seqs starting after {@code lastSeq}. Thread-safe: a reader thread feeds lines while a
 * ticker calls {@link #flushIfDue}.
 *
 * <p>Chunks are written by a writer task on {@code writer}, not by the thread that feeds lines, so
 * a step's output is read and masked while earlier chunks are being stored; the writer hands every
 * chunk waiting at that moment to the sink at once ({@link LogSink#appendAll}, one transaction).
 * When {@link #HIGH_WATER} chunks wait, {@link #line} blocks: the step's output pipe then fills and
 * the step slows down to the speed of storage instead of losing lines. Past a cap nothing waits:
 * lines are only counted, and the step runs on at full speed.
 *
 * <p>A chunk the sink refuses stays first in line with its seq, so nothing is lost or reordered
 * while storage recovers; {@link RetryPolicy} decides whether and when the writer tries again
 * ({@code TRANSIENT}: after 1, 2, 4... s, up to {@code attempts} tries). When a batch is refused
 * for good (content the database rejects, say), its chunks are tried one at a time, so the others
 * are stored. When the policy gives up on a chunk, the stream has failed: what waits is dropped
 * with an ERROR log, later lines are ignored, and {@link #failure} holds the typed error the step's
 * runner fails the step with ({@link StepResult#withLogFailure}). {@link #flush} and {@link #close}
 * return once every chunk was stored (or the stream failed), so what a caller records after them
 * (the step's end) never overtakes the step's lines.
 *
 * <p>Each chunk says how far into the step's command output it reaches ({@link LogSource}), so a
 * worker that re-attaches to the command {@link #resume}s the stream without storing a line twice.
 */
public final class LogChunker implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(LogChunker.class);

  public static final int DEFAULT_MAX_CHARS = 64 * 1024;
  public static final Duration DEFAULT_MAX_DELAY = Duration.ofMillis(200);

  /**
   * Tries to store a chunk: with the policy's back-off for {@code TRANSIENT}, about 15 s of waiting
   * in all, so a database failover, not an outage, is waited out.
   */
  public static final int DEFAULT_ATTEMPTS = 5;

  /** Chunks waiting to be stored before {@link #line} waits: 2 MiB of default chunks. */
  static final int HIGH_WATER = 32;

  /** The usual writer: a virtual thread per stream, only while it has chunks to store. */
  public static final Executor VIRTUAL_THREADS =
      task -> Thread.ofVirtual().name("log-writer").start(task);

  private final LogSink sink;
  private final JobRef job;
  private final int stepNumber;
  private final LogLines lines;
  private final int maxChars;
  private final long maxDelayNanos;
  private final LongSupplier nanoClock;
  private final Executor writer;
  private final int attempts;

  /** Cut and not yet stored, oldest first; the writer removes a batch once the sink took it. */
  private final ArrayDeque<LogChunk> pending = new ArrayDeque<>();

  private final StringBuilder buffer;
  private long firstLineAt;
  private long seq;
  private boolean closed;

  /** A writer task is scheduled or running. */
  private boolean writing;

  /** Refusals in a row of the chunk first in line. */
  private int refusals;

  /** Chunks up to this seq go to the sink one at a time: a batch of them was refused for good. */
  private long isolateThrough;

  private CiException failure;

  private final LogSource source;

  /**
   * @param writer runs the tasks that hand chunks to the sink; {@code Runnable::run} writes on the
   *     calling thread (tests)
   * @param attempts the tries {@link RetryPolicy} may spend storing one chunk before the stream
   *     fails
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
      Executor writer,
      int attempts) {
    this.sink = Objects.requireNonNull(sink);
    this.job = Objects.requireNonNull(job);
    this.stepNumber = stepNumber;
    this.seq = lastSeq;
    this.lines = LogLines.of(sink, job, Objects.requireNonNull(masker));
    this.maxChars = maxChars;
    this.maxDelayNanos = maxDelay.toNanos();
    this.nanoClock = nanoClock;
    this.writer = Objects.requireNonNull(writer);
    this.attempts = attempts;
    // Grows with the output and keeps its size from chunk to chunk: sized for a whole chunk up
    // front, it cost every step a 64 KiB allocation, most of them printing a few lines or none.
    this.buffer = new StringBuilder();
    this.source = new LogSource(stepNumber);
  }

  /**
   * This stream goes on from an earlier worker's, whose last stored chunk reached {@code
   * storedThrough}: what that worker stored is dropped when it comes again ({@link LogSource}).
   */
  public synchronized void resume(long storedThrough) {
    source.resume(storedThrough);
  }

  /**
   * Adds one line of the command's output, which ends at byte {@code end} of it; dropped when a
   * resumed stream has stored it already.
   */
  public synchronized void line(String raw, long end) {
    if (source.stored(end)) {
      return;
    }
    if (admit()) {
      lines.output(raw, buffer);
      source.admitted(end);
      cutIfFull();
    }
  }

  /**
   * The command's output ended: what is buffered goes into a chunk that says so, and the runner's
   * lines that follow are marked {@link LogChunk#AFTER_OUTPUT}.
   */
  public synchronized void outputEnded() {
    if (!source.hasOutputEnded()) {
      cut();
      write();
      source.outputEnded();
    }
  }

  /**
   * Adds one line of the step's output (without its terminator); it is masked now, with the values
   * known now. Past a cap, or once the stream failed, it is only counted.
   */
  public synchronized void line(String raw) {
    if (admit()) {
      lines.output(raw, buffer);
      cutIfFull();
    }
  }

  /**
   * Adds a line the runner writes itself, such as the {@code ##[error]} line saying how the step
   * ended: kept even past the caps (see {@link LogLines#runnerLine}).
   */
  public synchronized void runnerLine(String text) {
    if (source.runnerLineStored()) {
      return;
    }
    if (admit()) {
      lines.runnerLine(text, buffer);
      cutIfFull();
    }
  }

  /** Emits the buffered lines if the oldest has waited {@code maxDelay}. */
  public synchronized void flushIfDue() {
    if (!buffer.isEmpty() && nanoClock.getAsLong() - firstLineAt >= maxDelayNanos) {
      cut();
    }
    write();
  }

  /** Emits whatever is buffered now and waits until it is stored or the stream failed. */
  public synchronized void flush() {
    cut();
    write();
    awaitBelow(1);
  }

  /** The seq of the last chunk cut (stored or still waiting). */
  public synchronized long lastSeq() {
    return seq;
  }

  /**
   * Adds the closing line of a capped log ({@link LogLines#end}), stores what is left, waits until
   * it is stored or the stream failed, and refuses further lines. The step's runner then asks
   * {@link #failure}.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    if (failure == null && !source.runnerLineStored()) {
      lines.end(buffer);
    }
    closed = true;
    cut();
    write();
    while (writing && pause()) {
      // the writer notifies after every batch and when it stops
    }
  }

  /**
   * Why this step's log could not be stored, or null. Checked by the step's runner after {@link
   * #close}: non-null, the step fails with it ({@link StepResult#withLogFailure}), its exit code
   * kept. The code is the sink's: {@code TRANSIENT} when storage stayed unavailable through every
   * retry, {@code PERMANENT} when it refused the content.
   */
  public synchronized CiException failure() {
    return failure;
  }

  /** Whether a cap was reached and part of the step's output was not stored (marked in the log). */
  public synchronized boolean capped() {
    return lines.full();
  }

  private boolean admit() {
    if (closed) {
      throw new IllegalStateException("log stream of step " + stepNumber + " is closed");
    }
    if (failure != null) {
      return false;
    }
    if (buffer.isEmpty()) {
      firstLineAt = nanoClock.getAsLong();
    }
    return true;
  }

  private void cutIfFull() {
    if (buffer.length() >= maxChars) {
      cut();
      write();
      awaitBelow(HIGH_WATER);
    }
  }

  private void cut() {
    if (buffer.isEmpty() || failure != null) {
      return;
    }
    seq++;
    pending.addLast(
        new LogChunk(
            job.buildId(), job.jobKey(), stepNumber, seq, buffer.toString(), source.offset()));
    buffer.setLength(0);
  }

  /** Starts a writer task unless one is at work or there is nothing to write. */
  private void write() {
    if (writing || pending.isEmpty() || failure != null) {
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

  /** The writer task: stores batches of waiting chunks until none is left or the stream failed. */
  private void drain() {
    while (true) {
      List<LogChunk> batch;
      synchronized (this) {
        if (pending.isEmpty() || failure != null) {
          writing = false;
          notifyAll();
          return;
        }
        LogChunk first = pending.peekFirst();
        batch = first.seq() <= isolateThrough ? List.of(first) : List.copyOf(pending);
      }
      RuntimeException refused = null;
      try {
        sink.appendAll(batch);
      } catch (RuntimeException e) {
        refused = e;
      }
      synchronized (this) {
        if (refused == null) {
          batch.forEach(c -> pending.removeFirst());
          refusals = 0;
        } else {
          retryOrFail(batch, refused);
        }
        notifyAll();
      }
    }
  }

  /** After a refusal, under the lock: waits before the next attempt, or fails the stream. */
  private void retryOrFail(List<LogChunk> batch, RuntimeException refused) {
    String seqs = batch.getFirst().seq() + ".." + batch.getLast().seq();
    if (batch.size() > 1 && !RetryPolicy.retryable(refused)) {
      // Likely one chunk's content: one at a time, the chunks before it are stored.
      isolateThrough = batch.getLast().seq();
      log.warn(
          "log sink refused {} step {} seq {}; trying one chunk at a time: {}",
          job,
          stepNumber,
          seqs,
          refused.toString());
      return;
    }
    refusals++;
    if (RetryPolicy.decide(refused, refusals, attempts) instanceof RetryPolicy.Retry retry) {
      log.warn(
          "log sink refused {} step {} seq {} (attempt {}); retrying in {} ms: {}",
          job,
          stepNumber,
          seqs,
          refusals,
          retry.after().toMillis(),
          refused.toString());
      if (pauseFor(retry.after())) {
        return;
      }
    }
    CiException error = CiException.from(refused);
    failure =
        new CiException(
            error.code(),
            "The log of step "
                + stepNumber
                + " could not be stored ("
                + refusals
                + (refusals == 1 ? " attempt): " : " attempts): ")
                + error.getMessage(),
            refused);
    log.error(
        "dropping {} log chunks of {} step {} (seq {}..{}) and its further lines: {}",
        pending.size(),
        job,
        stepNumber,
        pending.peekFirst().seq(),
        pending.peekLast().seq(),
        failure.getMessage());
    pending.clear();
    buffer.setLength(0);
  }

  /**
   * Waits while {@code limit} or more chunks wait to be stored. Returns early when the stream
   * failed or the caller is interrupted (the flag stays set); the writer goes on.
   */
  private void awaitBelow(int limit) {
    while (failure == null && pending.size() >= limit) {
      write();
      if (!writing || !pause()) {
        return;
      }
    }
  }

  /** Waits on this monitor (the writer notifies after every batch); false when interrupted. */
  private boolean pause() {
    try {
      wait();
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /**
   * Waits {@code delay} on this monitor, letting the feeder and a closer in; false if interrupted.
   */
  private boolean pauseFor(Duration delay) {
    long until = System.nanoTime() + delay.toNanos();
    for (long left = delay.toNanos(); left > 0; left = until - System.nanoTime()) {
      try {
        wait(Math.max(1, left / 1_000_000));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return true;
  }
}
