package dev.pipewright.executor;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The rules every line of one step's log passes on its way to storage, in this order: secrets are
 * masked; a line longer than {@link #MAX_LINE_BYTES} is split into pieces, each after the first
 * starting with {@link #CONTINUATION}; and once the step's cap or its build's is reached, one
 * marker line says so and later lines are only counted, until {@link #end} adds how many were not
 * stored. The step is not affected: its output is still read to the end and its exit code kept, as
 * GitLab Runner does ({@code helpers/trace/buffer.go}: "Job execution will continue but no more
 * output will be collected"). GitHub's runner stores a line of any length in its log pages ({@code
 * PagingLogger} counts each line's UTF-8 bytes) and cuts only the live console at 1024 chars with a
 * visible {@code ...} ({@code JobServerQueue}); here nothing is cut, lines are split.
 *
 * <p>Sizes are UTF-8 bytes of the stored text. The runner's own lines ({@link #runnerLine}: how the
 * step ended) pass the caps: they are few, and without them a capped log would not say why the step
 * failed. For a given budget the result depends only on the lines, which lets the Kubernetes runner
 * re-read a container's log from its start and get the same chunks. Not thread-safe: one per step
 * stream.
 */
public final class LogLines {
  public static final int MAX_LINE_BYTES = 1 << 20;

  /** Starts each piece of a split line after the first, so a reader can tell and rejoin them. */
  public static final String CONTINUATION = "##[continued]";

  /** Lines up to this many chars are measured in place, longer ones by the JDK's encoder. */
  private static final int SHORT = 16;

  private final SecretMasker masker;
  private final long stepLimit;
  private final Supplier<LogBudget> buildBudget;
  private LogBudget build;
  private long kept;
  private boolean full;
  private long skippedLines;
  private long skippedBytes;

  /**
   * @param stepLimit bytes of output this step's log keeps
   * @param build the step's share of its build's cap
   */
  public LogLines(SecretMasker masker, long stepLimit, LogBudget build) {
    this(masker, stepLimit, () -> build);
    Objects.requireNonNull(build, "build");
  }

  private LogLines(SecretMasker masker, long stepLimit, Supplier<LogBudget> buildBudget) {
    this.masker = masker;
    this.stepLimit = stepLimit;
    this.buildBudget = buildBudget;
  }

  /**
   * With the caps of the sink the lines go to. The build's budget is asked for at the first line of
   * output that needs it, not here: a sink over the database reads what the build's log holds to
   * start it, a statement that a build of silent steps (a trivial build) does not need.
   */
  public static LogLines of(LogSink sink, JobRef job, SecretMasker masker) {
    return new LogLines(masker, sink.limits().stepBytes(), () -> sink.budget(job.buildId()));
  }

  /** Appends what is kept of one line of the step's output to {@code out}, pieces ending in \n. */
  public void output(String raw, StringBuilder out) {
    if (full) {
      skippedLines++;
      skippedBytes += utf8Length(raw) + 1;
      return;
    }
    String text = masker.mask(raw);
    long length = utf8Length(text);
    long bytes = storedBytes(length);
    String marker = null;
    if (kept + bytes > stepLimit) {
      marker = "This step's log reached its limit of " + stepLimit + " bytes";
    } else if (!budget().take(bytes)) {
      marker = "This build's log reached its limit of " + budget().limit() + " bytes";
    }
    if (marker == null) {
      kept += bytes;
      append(text, length, out);
      return;
    }
    full = true;
    skippedLines = 1;
    skippedBytes = bytes;
    out.append("##[warning]")
        .append(marker)
        .append(": the step goes on running, its further output is not stored.\n");
  }

  /** Appends a line the runner writes itself (how the step ended): split, masked, never capped. */
  public void runnerLine(String raw, StringBuilder out) {
    String text = masker.mask(raw);
    append(text, utf8Length(text), out);
  }

  private LogBudget budget() {
    if (build == null) {
      build = Objects.requireNonNull(buildBudget.get(), "the sink's budget");
    }
    return build;
  }

  /** Whether a cap was reached: later output is only counted. */
  public boolean full() {
    return full;
  }

  /** Closes the log: when a cap was reached, appends how much output was not stored. */
  public void end(StringBuilder out) {
    if (full) {
      runnerLine(
          String.format(
              Locale.ROOT,
              "##[warning]%,d lines (%,d bytes) of this step's output were not stored.",
              skippedLines,
              skippedBytes),
          out);
    }
  }

  /** What a line of {@code length} bytes takes once split and stored, newlines and markers too. */
  private static long storedBytes(long length) {
    if (length <= MAX_LINE_BYTES) {
      return length + 1;
    }
    long perPiece = MAX_LINE_BYTES - CONTINUATION.length();
    long pieces = 1 + (length - MAX_LINE_BYTES + perPiece - 1) / perPiece;
    return length + pieces + (pieces - 1) * CONTINUATION.length();
  }

  private static void append(String text, long length, StringBuilder out) {
    if (length <= MAX_LINE_BYTES) {
      out.append(text).append('\n');
      return;
    }
    int from = 0;
    int room = MAX_LINE_BYTES;
    while (from < text.length()) {
      int to = fitting(text, from, room);
      out.append(text, from, to).append('\n');
      if (to < text.length()) {
        out.append(CONTINUATION);
      }
      from = to;
      room = MAX_LINE_BYTES - CONTINUATION.length();
    }
  }

  /** The end of the longest run of {@code text} from {@code from} within {@code room} bytes. */
  private static int fitting(String text, int from, int room) {
    int bytes = 0;
    int i = from;
    while (i < text.length()) {
      int width = charsAt(text, i);
      int size = width == 2 ? 4 : utf8Width(text.charAt(i));
      if (bytes + size > room) {
        break;
      }
      bytes += size;
      i += width;
    }
    return i;
  }

  /**
   * UTF-8 bytes of {@code s}. A short line (a {@code yes} flood) is counted in place, a longer one
   * by the JDK's encoder: its vectorized copy outruns a loop over the chars several times over,
   * which halved a step's log throughput. An unpaired surrogate (rare) counts less than the 3 bytes
   * of the U+FFFD it is stored as.
   */
  static long utf8Length(String s) {
    int n = s.length();
    if (n > SHORT) {
      return s.getBytes(StandardCharsets.UTF_8).length;
    }
    long bytes = n;
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      bytes += (c >= 0x80 ? 1 : 0) + (c >= 0x800 && !Character.isSurrogate(c) ? 1 : 0);
    }
    return bytes;
  }

  private static int utf8Width(char c) {
    return c < 0x80 ? 1 : c < 0x800 ? 2 : 3;
  }

  /** 2 where a surrogate pair starts at {@code i}, else 1: a split never falls inside a pair. */
  private static int charsAt(String s, int i) {
    return Character.isHighSurrogate(s.charAt(i))
            && i + 1 < s.length()
            && Character.isLowSurrogate(s.charAt(i + 1))
        ? 2
        : 1;
  }
}
