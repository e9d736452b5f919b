package dev.pipewright.cli.view;

import dev.pipewright.models.BuildStatus;
import dev.pipewright.models.ErrorCode;
import dev.pipewright.models.JobStatus;
import dev.pipewright.models.StepStatus;
import dev.pipewright.models.SubStep;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns successive build snapshots and log pieces into lines for people: one line per state change
 * of the build, its jobs and their steps, log lines prefixed {@code job/step |}, a table of jobs
 * and a final summary. Pure: the caller supplies the clock and prints the lines.
 *
 * <p>Snapshots are polled, so a fast step may go from pending to finished between two of them; it
 * then gets only its end line. Where a source has no start times (the in-memory store of {@code
 * pipewright run}), the first snapshot showing a job or step running stands in for its start.
 */
public final class ProgressRenderer {
  private static final int MAX_LABEL_WIDTH = 40;

  private final Style style;
  private final boolean table;
  private BuildStatus buildSeen;
  private final Map<String, JobStatus> jobsSeen = new HashMap<>();
  private final Map<String, StepStatus> stepsSeen = new HashMap<>();
  private final Map<String, Instant> seenRunning = new HashMap<>();
  private final Map<String, Instant> seenEnded = new HashMap<>();
  private final Map<String, String> labels = new HashMap<>();

  /**
   * @param style colours or plain text
   * @param table whether the caller shows {@link #table} in place; job start lines are left out
   *     then, the table shows them
   */
  public ProgressRenderer(Style style, boolean table) {
    this.style = style;
    this.table = table;
  }

  /**
   * A line of {@link #changes}: {@code end} when it tells that a step or job ended, which a live
   * view shows only after the log lines written before it.
   */
  public record Change(String line, boolean end) {}

  /** Lines for what changed since the previous snapshot. */
  public List<String> snapshot(BuildState build, Instant now) {
    return changes(build, now).stream().map(Change::line).toList();
  }

  /** {@link #snapshot}'s lines, each marked whether it tells an end. */
  public List<Change> changes(BuildState build, Instant now) {
    List<Change> lines = new ArrayList<>();
    if (build.status() != buildSeen && !build.status().terminal()) {
      lines.add(
          new Change(
              style.dim("build " + label(build) + ": " + Style.word(build.status())), false));
    }
    buildSeen = build.status();
    for (JobState job : build.jobs()) {
      labels.put(job.key(), job.label());
      JobStatus before = jobsSeen.put(job.key(), job.status());
      if (job.status() == JobStatus.RUNNING) {
        seenRunning.putIfAbsent(job.key(), now);
      }
      if (job.status() != before && job.status() == JobStatus.RUNNING && !table) {
        lines.add(new Change("job " + job.label() + ": " + style.state(job.status()), false));
      }
      for (StepState step : job.steps()) {
        lines.addAll(step(job, step, now));
      }
      if (job.status() != before && job.status().terminal()) {
        seenEnded.putIfAbsent(job.key(), now);
        lines.add(new Change(jobEnd(job, now), true));
      }
    }
    return lines;
  }

  private List<Change> step(JobState job, StepState step, Instant now) {
    String id = job.key() + "/" + step.number();
    StepStatus before = stepsSeen.put(id, step.status());
    if (step.status() == before) {
      return List.of();
    }
    String name = job.label() + "/" + step.number() + " " + step.name() + ": ";
    if (step.status() == StepStatus.RUNNING) {
      seenRunning.putIfAbsent(id, now);
      return List.of(new Change(name + style.state(step.status()), false));
    }
    if (!step.status().terminal()) {
      return List.of();
    }
    seenEnded.putIfAbsent(id, now);
    StringBuilder line = new StringBuilder(name).append(style.state(step.status()));
    Duration took = took(id, step.startedAt(), step.finishedAt(), now);
    if (took != null && step.status() != StepStatus.SKIPPED) {
      line.append(" in ").append(Durations.format(took));
    }
    if (step.exitCode() != null && step.exitCode() != 0) {
      line.append(" (exit code ").append(step.exitCode()).append(')');
    }
    appendError(line, step.status() == StepStatus.SUCCEEDED, step.errorCode(), step.errorMessage());
    return List.of(new Change(line.toString(), true));
  }

  private String jobEnd(JobState job, Instant now) {
    StringBuilder line =
        new StringBuilder("job ")
            .append(job.label())
            .append(": ")
            .append(style.state(job.status()));
    Duration took = took(job.key(), job.startedAt(), job.finishedAt(), now);
    if (took != null && job.status() != JobStatus.SKIPPED) {
      line.append(" in ").append(Durations.format(took));
    }
    appendError(line, false, job.errorCode(), job.errorMessage());
    return line.toString();
  }

  private void appendError(StringBuilder line, boolean succeeded, ErrorCode code, String message) {
    if (message != null && !message.isBlank()) {
      String text = (succeeded ? "continued after: " : "") + firstLine(message);
      line.append(": ").append(succeeded ? style.dim(text) : style.red(text));
    }
    String words = succeeded ? "" : whyInWords(code);
    if (!words.isEmpty()) {
      line.append(' ').append(style.dim("(" + words + ")"));
    }
  }

  /**
   * What a stored error code adds to its message, in plain words; nothing where the message says it
   * all (PERMANENT: the step's own failure) or the status does (CANCELLED). The code's name is
   * internal wording: scripts read it from {@code -o json}.
   */
  static String whyInWords(ErrorCode code) {
    if (code == null) {
      return "";
    }
    return switch (code) {
      case TRANSIENT -> "a temporary infrastructure failure";
      case INFRASTRUCTURE -> "the machine it ran on failed";
      case TIMEOUT -> "timed out";
      case INVALID_SPEC, NOT_FOUND, CONFLICT, CANCELLED, PERMANENT -> "";
    };
  }

  /**
   * Each line of a log piece, prefixed with where it came from: the job's name once a snapshot
   * showed it, else its key.
   */
  public List<String> log(LogText text) {
    String prefix;
    if (text.jobKey() == null || text.jobKey().isEmpty()) {
      prefix = "build";
    } else {
      String job = labels.getOrDefault(text.jobKey(), text.jobKey());
      prefix = text.stepNumber() == 0 ? job : job + "/" + text.stepNumber();
    }
    String shown = style.dim(prefix + " |");
    List<String> lines = new ArrayList<>();
    for (String line : text.content().split("\n", -1)) {
      lines.add(shown + " " + stripCarriageReturns(line));
    }
    if (text.content().endsWith("\n") || text.content().isEmpty()) {
      lines.removeLast();
    }
    return lines;
  }

  /** The live table: a header line and one row per job. */
  public List<String> table(BuildState build, Instant now) {
    List<String> lines = new ArrayList<>();
    StringBuilder header =
        new StringBuilder(style.bold("build " + label(build)))
            .append(' ')
            .append(style.state(build.status()));
    Duration took = Durations.between(build.startedAt(), build.finishedAt(), now);
    if (took != null) {
      header.append(' ').append(Durations.format(took));
    }
    lines.add(header.toString());
    lines.addAll(jobRows(build, now));
    return lines;
  }

  /**
   * Everything about a build at rest ({@code pipewright status}): its jobs and their steps; when it
   * was created relative to {@code now}, or to the second with {@code exactTimes}.
   */
  public List<String> details(BuildState build, Instant now, boolean exactTimes) {
    List<String> lines = new ArrayList<>();
    StringBuilder head =
        new StringBuilder(style.bold("build " + build.id()))
            .append(' ')
            .append(style.state(build.status()));
    Duration took = Durations.between(build.startedAt(), build.finishedAt(), now);
    if (took != null) {
      head.append(" in ").append(Durations.format(took));
    }
    appendError(head, false, build.errorCode(), build.errorMessage());
    lines.add(head.toString());
    lines.add(
        "  pipeline "
            + build.pipelineId()
            + ", number "
            + build.number()
            + (build.runAttempt() > 1 ? ", attempt " + build.runAttempt() : "")
            + (build.createdAt() == null
                ? ""
                : ", created "
                    + (exactTimes
                        ? Durations.exact(build.createdAt())
                        : Durations.ago(build.createdAt(), now)))
            + (build.cancelRequested() ? ", cancel requested" : "")
            + (build.cancelReason() == null ? "" : ": " + build.cancelReason()));
    for (JobState job : build.jobs()) {
      StringBuilder row = new StringBuilder("  job ").append(job.label());
      if (!job.label().equals(job.key())) {
        row.append(' ').append(style.dim("[" + job.key() + "]"));
      }
      row.append(": ").append(style.state(job.status()));
      Duration jobTook = took(job.key(), job.startedAt(), job.finishedAt(), now);
      if (jobTook != null) {
        row.append(" in ").append(Durations.format(jobTook));
      }
      appendError(row, false, job.errorCode(), job.errorMessage());
      lines.add(row.toString());
      for (StepState step : job.steps()) {
        StringBuilder line =
            new StringBuilder("    ")
                .append(step.number())
                .append(' ')
                .append(step.name())
                .append(": ")
                .append(style.state(step.status()));
        Duration stepTook = Durations.between(step.startedAt(), step.finishedAt(), now);
        if (stepTook != null) {
          line.append(" in ").append(Durations.format(stepTook));
        }
        if (step.attempt() > 1) {
          line.append(" (attempt ").append(step.attempt()).append(')');
        }
        if (step.action() != null) {
          line.append(" (").append(step.action());
          if (step.actionSha() != null) {
            line.append(" at ")
                .append(step.actionSha(), 0, Math.min(12, step.actionSha().length()));
          }
          line.append(')');
        }
        if (step.exitCode() != null && step.exitCode() != 0) {
          line.append(" (exit code ").append(step.exitCode()).append(')');
        }
        appendError(
            line, step.status() == StepStatus.SUCCEEDED, step.errorCode(), step.errorMessage());
        lines.add(line.toString());
        step.annotations().forEach(a -> lines.add("      " + a.format()));
        addSubSteps(lines, step.subSteps(), "      ");
      }
    }
    return lines;
  }

  /** A composite action's inner steps under their caller, each action's own one level deeper. */
  private void addSubSteps(List<String> lines, List<SubStep> steps, String indent) {
    for (SubStep s : steps) {
      lines.add(indent + s.number() + " " + s.name() + ": " + style.state(s.status()));
      addSubSteps(lines, s.steps(), indent + "  ");
    }
  }

  /** The final word: the build's outcome, its jobs, and why it failed. */
  public List<String> summary(BuildState build, Instant now) {
    List<String> lines = new ArrayList<>();
    StringBuilder head =
        new StringBuilder("build ")
            .append(label(build))
            .append(' ')
            .append(style.state(build.status()));
    Duration took = Durations.between(build.startedAt(), build.finishedAt(), now);
    if (took != null) {
      head.append(" in ").append(Durations.format(took));
    }
    appendError(head, false, build.errorCode(), build.errorMessage());
    lines.add(style.bold("── summary"));
    lines.addAll(jobRows(build, now));
    for (JobState job : build.jobs()) {
      for (StepState step : job.steps()) {
        if (step.status() == StepStatus.FAILED) {
          StringBuilder line =
              new StringBuilder("  ")
                  .append(style.red("✗"))
                  .append(' ')
                  .append(job.label())
                  .append('/')
                  .append(step.number())
                  .append(' ')
                  .append(step.name());
          if (step.exitCode() != null) {
            line.append(" (exit code ").append(step.exitCode()).append(')');
          }
          appendError(line, false, step.errorCode(), step.errorMessage());
          lines.add(line.toString());
        }
      }
    }
    lines.add(head.toString());
    return lines;
  }

  private List<String> jobRows(BuildState build, Instant now) {
    int width = 0;
    for (JobState job : build.jobs()) {
      width = Math.max(width, Math.min(MAX_LABEL_WIDTH, job.label().length()));
    }
    List<String> rows = new ArrayList<>();
    for (JobState job : build.jobs()) {
      String state = style.state(job.status());
      String padding = " ".repeat(Math.max(0, 10 - Style.word(job.status()).length()));
      StringBuilder row =
          new StringBuilder("  ")
              .append(pad(truncate(job.label(), width), width))
              .append("  ")
              .append(state);
      Duration took = took(job.key(), job.startedAt(), job.finishedAt(), now);
      if (took != null && job.status() != JobStatus.SKIPPED && job.status() != JobStatus.PENDING) {
        row.append(padding).append(' ').append(Durations.format(took));
      }
      rows.add(row.toString());
    }
    return rows;
  }

  /** From the source's times when it has them, else from what this renderer saw. */
  private Duration took(String id, Instant startedAt, Instant finishedAt, Instant now) {
    Instant start = startedAt != null ? startedAt : seenRunning.get(id);
    Instant end = finishedAt != null ? finishedAt : seenEnded.get(id);
    return Durations.between(start, end, now);
  }

  private static String label(BuildState build) {
    return build.number() > 0 ? "#" + build.number() + " " + build.shortId() : build.shortId();
  }

  private static String firstLine(String message) {
    return message.lines().findFirst().orElse("");
  }

  private static String stripCarriageReturns(String line) {
    int cr = line.lastIndexOf('\r', line.length() - 2);
    String tail = cr >= 0 ? line.substring(cr + 1) : line;
    return tail.endsWith("\r") ? tail.substring(0, tail.length() - 1) : tail;
  }

  private static String truncate(String s, int width) {
    return s.length() <= width ? s : s.substring(0, width - 1) + "…";
  }

  private static String pad(String s, int width) {
    return s + " ".repeat(Math.max(0, width - s.length()));
  }
}
