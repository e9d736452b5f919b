package dev.pipewright.kubernetes.runner;

import dev.pipewright.executor.JobRef;
import dev.pipewright.executor.LogBudget;
import dev.pipewright.executor.LogChunk;
import dev.pipewright.executor.LogLines;
import dev.pipewright.executor.LogSink;
import dev.pipewright.executor.SecretMasker;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayDeque;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One step's log, cut into chunks by a rule that depends only on the log itself (line timestamps
 * and sizes, never on when the worker happened to read it). Reading the same log again therefore
 * yields the same chunks with the same seqs, which is what lets a restarted worker re-read a
 * container's log from the start and store only the chunks after its cursor: nothing is lost and
 * nothing is stored twice.
 *
 * <p>A chunk is closed when the next line is {@code window} younger than its first line, when it
 * reaches {@code maxChars}, or when the container ended. Lines pass {@link LogLines} (masking, long
 * lines split, the sink's step cap); not the build's cap, whose share depends on what other steps
 * wrote meanwhile and would make a re-read cut elsewhere. Not thread-safe: the runner reads one
 * job's logs under that job's lock.
 */
final class StepLogStream {
  private static final Logger log = LoggerFactory.getLogger(StepLogStream.class);
  static final int MAX_CHARS = 64 * 1024;
  static final Duration WINDOW = Duration.ofMillis(200);

  private final LogSink sink;
  private final JobRef job;
  private final int stepNumber;
  private final long storedSeq;
  private final LogLines logLines;
  private final StringBuilder buffer = new StringBuilder();
  private final ArrayDeque<LogChunk> pending = new ArrayDeque<>();
  private Instant firstAt;
  private int linesSeen;
  private long seq;
  private boolean closed;

  /**
   * @param storedSeq the last seq the store already has for this step (the run's log cursor)
   */
  StepLogStream(LogSink sink, JobRef job, int stepNumber, long storedSeq, SecretMasker masker) {
    this.sink = sink;
    this.job = job;
    this.stepNumber = stepNumber;
    this.storedSeq = storedSeq;
    this.logLines = new LogLines(masker, sink.limits().stepBytes(), LogBudget.UNLIMITED);
  }

  /**
   * Feeds the container's whole log as read now; only lines not seen before are processed.
   *
   * @param ended whether the container terminated, so this log is complete
   */
  void update(String log, boolean ended) {
    if (closed) {
      drain();
      return;
    }
    List<String> lines = log.isEmpty() ? List.of() : log.lines().toList();
    // The last line of a running container may still be growing: take it only once it ended.
    int usable = ended || log.endsWith("\n") ? lines.size() : lines.size() - 1;
    for (int i = linesSeen; i < usable; i++) {
      line(lines.get(i));
    }
    linesSeen = Math.max(linesSeen, usable);
    if (ended) {
      logLines.end(buffer);
      cut();
      closed = true;
    }
    drain();
  }

  /** Whether chunks the sink refused are still waiting for a retry. */
  boolean hasPending() {
    return !pending.isEmpty();
  }

  /** Hands queued chunks to the sink in seq order; a refusal leaves them for the next call. */
  void drain() {
    while (!pending.isEmpty()) {
      try {
        sink.append(pending.peek());
      } catch (RuntimeException e) {
        log.warn(
            "log store refused chunk {} of step {} of {}; will retry: {}",
            pending.peek().seq(),
            stepNumber,
            job,
            e.toString());
        return;
      }
      pending.poll();
    }
  }

  long lastSeq() {
    return seq;
  }

  private void line(String raw) {
    Instant at = null;
    String text = raw;
    int space = raw.indexOf(' ');
    if (space > 0) {
      try {
        at = Instant.parse(raw.substring(0, space));
        text = raw.substring(space + 1);
      } catch (DateTimeParseException e) {
        at = null;
      }
    }
    if (!buffer.isEmpty()
        && at != null
        && firstAt != null
        && Duration.between(firstAt, at).compareTo(WINDOW) >= 0) {
      cut();
    }
    if (buffer.isEmpty()) {
      firstAt = at;
    }
    logLines.output(text, buffer);
    if (buffer.length() >= MAX_CHARS) {
      cut();
    }
  }

  private void cut() {
    if (buffer.isEmpty()) {
      return;
    }
    seq++;
    if (seq > storedSeq) {
      pending.add(new LogChunk(job.buildId(), job.jobKey(), stepNumber, seq, buffer.toString()));
    }
    buffer.setLength(0);
    firstAt = null;
  }
}
