package dev.pipewright.executor;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One step's log stream: lines are masked, batched into chunks of about {@code maxChars} chars or
 * {@code maxDelay} of age, whichever comes first, and appended with consecutive seqs starting after
 * {@code lastSeq}. Thread-safe: a reader thread feeds lines while a ticker calls {@link
 * #flushIfDue}.
 *
 * <p>A chunk the sink refused stays queued with its seq and is retried on the next flush, so a
 * storage hiccup neither loses nor reorders lines; {@link #close} gives it a few last tries.
 */
public final class LogChunker implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(LogChunker.class);

  public static final int DEFAULT_MAX_CHARS = 64 * 1024;
  public static final Duration DEFAULT_MAX_DELAY = Duration.ofMillis(200);
  private static final int MAX_PENDING = 256;
  private static final int CLOSE_ATTEMPTS = 3;

  private final LogSink sink;
  private final JobRef job;
  private final int stepNumber;
  private final SecretMasker masker;
  private final int maxChars;
  private final long maxDelayNanos;
  private final LongSupplier nanoClock;
  private final ArrayDeque<LogChunk> pending = new ArrayDeque<>();

  private StringBuilder buffer;
  private long firstLineAt;
  private long seq;
  private boolean closed;

  public LogChunker(LogSink sink, JobRef job, int stepNumber, long lastSeq, SecretMasker masker) {
    this(
        sink,
        job,
        stepNumber,
        lastSeq,
        masker,
        DEFAULT_MAX_CHARS,
        DEFAULT_MAX_DELAY,
        System::nanoTime);
  }

  public LogChunker(
      LogSink sink,
      JobRef job,
      int stepNumber,
      long lastSeq,
      SecretMasker masker,
      int maxChars,
      Duration maxDelay,
      LongSupplier nanoClock) {
    this.sink = Objects.requireNonNull(sink);
    this.job = Objects.requireNonNull(job);
    this.stepNumber = stepNumber;
    this.seq = lastSeq;
    this.masker = Objects.requireNonNull(masker);
    this.maxChars = maxChars;
    this.maxDelayNanos = maxDelay.toNanos();
    this.nanoClock = nanoClock;
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
      drain();
    }
  }

  /** Emits the buffered lines if the oldest has waited {@code maxDelay}; retries refused chunks. */
  public synchronized void flushIfDue() {
    if (!buffer.isEmpty() && nanoClock.getAsLong() - firstLineAt >= maxDelayNanos) {
      cut();
    }
    drain();
  }

  /** Emits whatever is buffered now. */
  public synchronized void flush() {
    cut();
    drain();
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
    for (int attempt = 1; attempt <= CLOSE_ATTEMPTS && !pending.isEmpty(); attempt++) {
      drain();
      if (!pending.isEmpty() && attempt < CLOSE_ATTEMPTS) {
        try {
          wait(100L * attempt);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
    }
    if (!pending.isEmpty()) {
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

  private void drain() {
    while (!pending.isEmpty()) {
      try {
        sink.append(pending.peekFirst());
        pending.removeFirst();
      } catch (RuntimeException e) {
        log.warn(
            "log sink refused {} step {} seq {}; will retry: {}",
            job,
            stepNumber,
            pending.peekFirst().seq(),
            e.toString());
        return;
      }
    }
  }
}
