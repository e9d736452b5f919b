package dev.pipewright.faults;

import static org.awaitility.Awaitility.await;

import dev.pipewright.api.ci.v1.Build;
import dev.pipewright.api.ci.v1.BuildStatus;
import dev.pipewright.e2e.Installation;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.core.ConditionTimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Observations through the public API that several scenarios make. */
final class Probe {
  private static final Logger LOG = LoggerFactory.getLogger(Probe.class);
  static final Duration BUILD_END = Duration.ofSeconds(90);

  /** A worker JVM starting on a loaded machine (2 cores, load 20) took up to 40 s to run a step. */
  private static final Duration FIRST_LINE = Duration.ofSeconds(90);

  private Probe() {}

  /** {@code script} as the body of a YAML {@code run: |} block indented by {@code spaces}. */
  static String block(List<String> script, int spaces) {
    String indent = " ".repeat(spaces);
    return indent + String.join("\n" + indent, script);
  }

  /** A workflow of one job {@code job} running {@code script} as its only step. */
  static String oneStep(String job, List<String> script) {
    return """
        on: push
        jobs:
          %s:
            runs-on: ubuntu-latest
            steps:
              - run: |
        %s
        """
        .formatted(job, block(script, 10));
  }

  /** How many numbered lines of {@code stepId} the job's log holds now; -1 if the API failed. */
  static int numbered(Installation pw, String id, String job, String stepId) {
    try {
      Matcher m =
          Pattern.compile("(?m)^" + Pattern.quote(stepId) + " \\d+$").matcher(pw.logText(id, job));
      int n = 0;
      while (m.find()) {
        n++;
      }
      return n;
    } catch (RuntimeException e) {
      return -1;
    }
  }

  /** Waits until the step printed line {@code n}. */
  static void awaitLine(Installation pw, String id, String job, String stepId, int n) {
    try {
      await()
          .atMost(FIRST_LINE)
          .pollInterval(Duration.ofMillis(50))
          .until(() -> pw.logText(id, job).contains("\n" + stepId + " " + n + "\n"));
    } catch (ConditionTimeoutException e) {
      throw new AssertionError(
          "line "
              + n
              + " of "
              + stepId
              + " not printed within "
              + FIRST_LINE
              + "; the build: "
              + pw.get(id),
          e);
    }
  }

  /**
   * The time from {@code since} (a fault's end) until the API shows more numbered lines of the step
   * than {@code before}, or the build ended.
   */
  static Duration untilMoreLines(
      Installation pw, String id, String job, String stepId, int before, Instant since) {
    await()
        .atMost(BUILD_END)
        .pollInterval(Duration.ofMillis(50))
        .ignoreExceptions()
        .until(
            () ->
                numbered(pw, id, job, stepId) > before
                    || Installation.terminal(pw.get(id).getStatus()));
    return Duration.between(since, Instant.now());
  }

  /** The time from {@code since} until the build left QUEUED (a worker claimed it). */
  static Duration untilClaimed(Installation pw, String id, Instant since) {
    await()
        .atMost(BUILD_END)
        .pollInterval(Duration.ofMillis(50))
        .ignoreExceptions()
        .until(
            () -> {
              BuildStatus s = pw.get(id).getStatus();
              return s == BuildStatus.BUILD_STATUS_RUNNING || Installation.terminal(s);
            });
    return Duration.between(since, Instant.now());
  }

  /** 1 when the build did not end {@code expected} within {@link #BUILD_END}, else 0. */
  static int lost(Installation pw, String id, BuildStatus expected) {
    try {
      Build b = pw.awaitEnd(id, BUILD_END);
      if (b.getStatus() == expected) {
        return 0;
      }
      LOG.warn("Build {} ended {}, not {}: {}", id, b.getStatus(), expected, b);
    } catch (ConditionTimeoutException e) {
      LOG.warn("Build {} did not end within {}: {}", id, BUILD_END, pw.get(id));
    }
    return 1;
  }
}
