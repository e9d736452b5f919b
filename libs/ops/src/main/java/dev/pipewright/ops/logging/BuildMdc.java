package dev.pipewright.ops.logging;

import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.MDC;

/**
 * Puts the build (and job) being worked on into the SLF4J MDC, so every log line written meanwhile
 * carries {@code build_id} / {@code job_key}, in text and in JSON. Scopes nest and restore what was
 * there before:
 *
 * <pre>{@code
 * try (var scope = BuildMdc.open(buildId)) {
 *   log.info("claimed");                        // ... build_id=b-42 - claimed
 *   try (var job = BuildMdc.open(buildId, "test (linux)")) {
 *     log.info("started");                      // ... build_id=b-42 job_key=test (linux) - started
 *   }
 * }
 * BuildMdc.with(buildId, () -> orchestrator.reconcile(buildId));
 * executor.submit(BuildMdc.propagate(task));    // the task logs with the submitter's keys
 * }</pre>
 */
public final class BuildMdc {
  public static final String BUILD_ID = "build_id";
  public static final String JOB_KEY = "job_key";

  private BuildMdc() {}

  /** Restores the previous MDC values on close; close it on the thread that opened it. */
  public static final class Scope implements AutoCloseable {
    private final String previousBuild;
    private final String previousJob;

    private Scope(String buildId, String jobKey) {
      this.previousBuild = MDC.get(BUILD_ID);
      this.previousJob = MDC.get(JOB_KEY);
      set(BUILD_ID, buildId);
      set(JOB_KEY, jobKey);
    }

    @Override
    public void close() {
      set(BUILD_ID, previousBuild);
      set(JOB_KEY, previousJob);
    }
  }

  /** {@code build_id} = {@code buildId}; no {@code job_key} inside the scope. */
  public static Scope open(String buildId) {
    return new Scope(buildId, null);
  }

  public static Scope open(String buildId, String jobKey) {
    return new Scope(buildId, jobKey);
  }

  public static void with(String buildId, Runnable action) {
    try (Scope ignored = open(buildId)) {
      action.run();
    }
  }

  public static <T> T with(String buildId, Supplier<T> action) {
    try (Scope ignored = open(buildId)) {
      return action.get();
    }
  }

  /** {@code task} run elsewhere (an executor) with the MDC of the caller at this moment. */
  public static Runnable propagate(Runnable task) {
    Map<String, String> captured = MDC.getCopyOfContextMap();
    return () -> {
      Map<String, String> previous = MDC.getCopyOfContextMap();
      replace(captured);
      try {
        task.run();
      } finally {
        replace(previous);
      }
    };
  }

  private static void replace(Map<String, String> context) {
    if (context == null) {
      MDC.clear();
    } else {
      MDC.setContextMap(context);
    }
  }

  private static void set(String key, String value) {
    if (value == null) {
      MDC.remove(key);
    } else {
      MDC.put(key, value);
    }
  }
}
