package dev.pipewright.pipeline.orchestrator;

import dev.pipewright.executor.LogChunk;
import dev.pipewright.executor.LogSink;
import dev.pipewright.executor.StepResult;
import dev.pipewright.models.BuildStatus;
import dev.pipewright.models.ErrorCode;
import dev.pipewright.models.JobStatus;
import dev.pipewright.models.StepStatus;
import dev.pipewright.pipeline.reconcile.InstanceState;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.ToLongFunction;

/**
 * A {@link RunStore} and {@link LogSink} in memory, for {@code pipewright run FILE}: the same
 * orchestrator and guarded state machines without any server. Thread-safe by one lock; a run holds
 * a handful of rows.
 */
public final class InMemoryRunStore implements RunStore, LogSink {
  private final Clock clock;
  private final Map<String, BuildState> builds = new HashMap<>();

  public InMemoryRunStore() {
    this(Clock.systemUTC());
  }

  public InMemoryRunStore(Clock clock) {
    this.clock = clock;
  }

  /** A step as stored here. */
  public record StepRow(int number, String name, StepStatus status, StepResult result) {}

  private static final class BuildState {
    BuildRecord record;
    ErrorCode errorCode;
    String errorMessage;
    final Map<String, InstanceState> jobs = new LinkedHashMap<>();
    final Map<String, List<StepRow>> steps = new HashMap<>();
    final Map<String, TreeMap<Long, LogChunk>> logs = new LinkedHashMap<>();
  }

  /** Registers a build (RUNNING for a local run: nothing queues it). */
  public synchronized void addBuild(BuildRecord build) {
    BuildState state = new BuildState();
    state.record = build;
    builds.put(build.id(), state);
  }

  /** Asks the build to cancel, as {@code cancel_requested_at} does. */
  public synchronized void requestCancel(String buildId) {
    BuildRecord r = state(buildId).record;
    state(buildId).record =
        new BuildRecord(
            r.id(),
            r.number(),
            r.status(),
            r.workflowYaml(),
            r.workflowPath(),
            r.repository(),
            r.vars(),
            r.secrets(),
            true);
  }

  public synchronized ErrorCode errorCode(String buildId) {
    return state(buildId).errorCode;
  }

  public synchronized String errorMessage(String buildId) {
    return state(buildId).errorMessage;
  }

  public synchronized List<StepRow> steps(String buildId, String key) {
    return List.copyOf(state(buildId).steps.getOrDefault(key, List.of()));
  }

  /** Every chunk of a build, stream by stream (job key, step number), in seq order. */
  public synchronized List<LogChunk> logs(String buildId) {
    List<LogChunk> all = new ArrayList<>();
    state(buildId).logs.values().forEach(stream -> all.addAll(stream.values()));
    return all;
  }

  @Override
  public synchronized BuildRecord build(String buildId) {
    BuildState state = builds.get(buildId);
    return state == null ? null : state.record;
  }

  @Override
  public synchronized void createJobs(String buildId, List<NewJob> jobs) {
    BuildState state = state(buildId);
    if (!state.jobs.isEmpty()) {
      return;
    }
    jobs.forEach(job -> insert(state, job));
  }

  @Override
  public synchronized boolean expandJob(
      String buildId, String placeholderKey, List<NewJob> instances) {
    BuildState state = state(buildId);
    InstanceState placeholder = state.jobs.get(placeholderKey);
    if (placeholder == null
        || placeholder.status() != JobStatus.PENDING
        || !placeholder.key().equals(placeholder.jobId())) {
      return false;
    }
    Map<String, InstanceState> reordered = new LinkedHashMap<>();
    for (InstanceState row : state.jobs.values()) {
      if (row.key().equals(placeholderKey)) {
        state.steps.remove(placeholderKey);
        for (NewJob job : instances) {
          reordered.put(job.key(), pending(job));
          state.steps.put(job.key(), pendingSteps(job));
        }
      } else {
        reordered.put(row.key(), row);
      }
    }
    state.jobs.clear();
    state.jobs.putAll(reordered);
    return true;
  }

  @Override
  public synchronized List<InstanceState> jobs(String buildId) {
    return List.copyOf(state(buildId).jobs.values());
  }

  @Override
  public synchronized boolean moveJob(
      String buildId,
      String key,
      JobStatus to,
      ErrorCode code,
      String message,
      Map<String, String> outputs) {
    InstanceState row = state(buildId).jobs.get(key);
    if (row == null || !JobStatus.TRANSITIONS.allowed(row.status(), to)) {
      return false;
    }
    Map<String, String> stored = outputs == null ? null : Map.copyOf(outputs);
    Instant finishedAt = to.terminal() ? clock.instant() : null;
    state(buildId).jobs.put(key, row.with(to, row.attempt(), code, message, stored, finishedAt));
    if (to == JobStatus.CANCELLED || to == JobStatus.SKIPPED) {
      // As the database does: the job's unfinished steps go with it.
      StepStatus stepTarget = to == JobStatus.SKIPPED ? StepStatus.SKIPPED : StepStatus.CANCELLED;
      state(buildId)
          .steps
          .get(key)
          .replaceAll(
              s ->
                  StepStatus.TRANSITIONS.allowed(s.status(), stepTarget)
                      ? new StepRow(s.number(), s.name(), stepTarget, s.result())
                      : s);
    }
    return true;
  }

  @Override
  public synchronized boolean restartJob(String buildId, String key, int attempt) {
    InstanceState row = state(buildId).jobs.get(key);
    if (row == null
        || !(row.status() == JobStatus.QUEUED || row.status() == JobStatus.RUNNING)
        || row.attempt() >= attempt) {
      return false;
    }
    state(buildId).jobs.put(key, row.with(JobStatus.QUEUED, attempt, null, null, Map.of(), null));
    List<StepRow> steps = state(buildId).steps.get(key);
    steps.replaceAll(s -> new StepRow(s.number(), s.name(), StepStatus.PENDING, null));
    return true;
  }

  @Override
  public synchronized boolean closeJob(
      String buildId, String key, JobStatus target, ErrorCode code, String message) {
    return moveJob(buildId, key, target, code, message, null);
  }

  @Override
  public synchronized void addStep(
      String buildId, String key, int number, String name, int attempt) {
    List<StepRow> steps = state(buildId).steps.get(key);
    if (steps != null && number == steps.size() + 1) {
      steps.add(new StepRow(number, name, StepStatus.PENDING, null));
    }
  }

  @Override
  public synchronized boolean moveStep(
      String buildId, String key, int number, StepStatus to, StepResult result) {
    List<StepRow> steps = state(buildId).steps.get(key);
    if (steps == null || number < 1 || number > steps.size()) {
      return false;
    }
    StepRow step = steps.get(number - 1);
    boolean ranWithoutStart = step.status() == StepStatus.PENDING && to.endsARun();
    if (!ranWithoutStart && !StepStatus.TRANSITIONS.allowed(step.status(), to)) {
      return false;
    }
    steps.set(number - 1, new StepRow(number, step.name(), to, result));
    return true;
  }

  @Override
  public synchronized boolean finishBuild(
      String buildId, BuildStatus status, ErrorCode code, String message) {
    BuildState state = state(buildId);
    BuildRecord r = state.record;
    if (!BuildStatus.TRANSITIONS.allowed(r.status(), status)) {
      return false;
    }
    state.record =
        new BuildRecord(
            r.id(),
            r.number(),
            status,
            r.workflowYaml(),
            r.workflowPath(),
            r.repository(),
            r.vars(),
            r.secrets(),
            r.cancelRequested());
    state.errorCode = code;
    state.errorMessage = message;
    return true;
  }

  @Override
  public synchronized Map<Integer, Long> logCursors(String buildId, String key) {
    return lastChunks(buildId, key, LogChunk::seq);
  }

  @Override
  public synchronized Map<Integer, Long> logSources(String buildId, String key) {
    Map<Integer, Long> sources = lastChunks(buildId, key, LogChunk::sourceOffset);
    sources.values().removeIf(s -> s == LogChunk.NO_SOURCE);
    return sources;
  }

  /** Step number → {@code field} of the last chunk of each of the instance's streams. */
  private Map<Integer, Long> lastChunks(
      String buildId, String key, ToLongFunction<LogChunk> field) {
    Map<Integer, Long> last = new HashMap<>();
    state(buildId)
        .logs
        .forEach(
            (stream, chunks) -> {
              if (stream.startsWith(key + "\u0000")) {
                int step = Integer.parseInt(stream.substring(key.length() + 1));
                last.put(step, field.applyAsLong(chunks.lastEntry().getValue()));
              }
            });
    return last;
  }

  @Override
  public synchronized void appendLog(String buildId, String key, String line) {
    String jobKey = key == null ? "" : key;
    TreeMap<Long, LogChunk> stream = state(buildId).logs.get(jobKey + "\u0000" + 0);
    long seq = stream == null ? 1 : stream.lastKey() + 1;
    append(new LogChunk(buildId, jobKey, 0, seq, line + "\n"));
  }

  @Override
  public synchronized void append(LogChunk chunk) {
    BuildState state = builds.get(chunk.buildId());
    if (state == null) {
      return;
    }
    state
        .logs
        .computeIfAbsent(chunk.jobKey() + "\u0000" + chunk.stepNumber(), s -> new TreeMap<>())
        .putIfAbsent(chunk.seq(), chunk);
  }

  private BuildState state(String buildId) {
    BuildState state = builds.get(buildId);
    if (state == null) {
      throw new IllegalArgumentException("no build " + buildId);
    }
    return state;
  }

  private void insert(BuildState state, NewJob job) {
    state.jobs.put(job.key(), pending(job));
    state.steps.put(job.key(), pendingSteps(job));
  }

  private static InstanceState pending(NewJob job) {
    return InstanceState.pending(job.key(), job.jobId(), job.matrix());
  }

  private static List<StepRow> pendingSteps(NewJob job) {
    List<StepRow> steps = new ArrayList<>();
    for (int i = 0; i < job.stepNames().size(); i++) {
      steps.add(new StepRow(i + 1, job.stepNames().get(i), StepStatus.PENDING, null));
    }
    return steps;
  }
}
