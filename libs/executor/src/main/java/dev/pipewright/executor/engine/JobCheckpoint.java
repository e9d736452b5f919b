package dev.pipewright.executor.engine;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.pipewright.executor.JobRef;
import dev.pipewright.executor.host.JobPaths;
import dev.pipewright.models.ErrorCode;
import dev.pipewright.models.StepStatus;
import java.io.IOException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The state of one job attempt that its later steps need, as the engine writes it to the job's
 * runner files after each step and when a step's command starts: a worker that takes the job over
 * while its commands run on (the pod host) rebuilds the engine from it and re-attaches to the
 * running command. It holds what is not in the {@link dev.pipewright.executor.JobRun} and cannot be
 * read back from the host: what {@code GITHUB_ENV} and {@code GITHUB_PATH} added, the {@code steps}
 * context (raw outputs), the generated action ids, the {@code ::add-mask::} values, the job's state
 * and first error, its deadline, and the running command. The masks and outputs make it as
 * sensitive as the secrets the job's command files carry on the same volume.
 *
 * <p>Pure: parsing and writing bytes. A file that does not parse, or that belongs to another job or
 * attempt or another engine version, is {@link Unreadable}: the job is then lost and runs again as
 * a new attempt, never resumed on a state it did not have.
 *
 * @param format {@link #FORMAT}; a file of another format is refused
 * @param job the build id and job key, {@code <build>/<job>}
 * @param stepsDone the steps 1..stepsDone are finished (and reported)
 * @param statuses how each of them ended, in order
 * @param env what {@code GITHUB_ENV} (and the legacy {@code set-env}) added, in order
 * @param path {@code GITHUB_PATH} entries, latest first
 * @param steps the {@code steps} context: step id → its record
 * @param generatedIds {@code __run} → how many steps got that generated id
 * @param masks the values {@code ::add-mask::} registered (the run's secrets are not repeated)
 * @param failed a step's conclusion was failure (what {@code failure()} reads)
 * @param cancelled the job runs under cancellation (its {@code cancelled()})
 * @param cancelReason CANCELLED or TIMEOUT once the job was cancelled, else null
 * @param firstErrorCode the code of the first failed step, or null
 * @param firstErrorMessage its message
 * @param deadlineEpochMillis the wall-clock time at which the job's timeout cancels it
 * @param running the step whose command was starting or running, or null between steps
 * @param addedSteps how many pre and post steps ran (or started): a successor numbers its added
 *     steps after them
 * @param stageStates by step number, what its action's stages saved ({@code STATE_*})
 * @param posts the post steps registered and not run yet, in the order they were registered
 */
record JobCheckpoint(
    int format,
    String job,
    int attempt,
    int stepsDone,
    List<StepStatus> statuses,
    Map<String, String> env,
    List<String> path,
    Map<String, StepRecord> steps,
    Map<String, Integer> generatedIds,
    List<String> masks,
    boolean failed,
    boolean cancelled,
    ErrorCode cancelReason,
    ErrorCode firstErrorCode,
    String firstErrorMessage,
    long deadlineEpochMillis,
    Running running,
    int addedSteps,
    Map<Integer, Map<String, String>> stageStates,
    List<PostSteps.Saved> posts) {

  /** Bumped whenever a field changes meaning: an older file is then refused, not misread. */
  static final int FORMAT = 2;

  private static final ObjectMapper JSON =
      JsonMapper.builder()
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
          .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .build();

  /** A step's entry in the {@code steps} context. */
  record StepRecord(String outcome, String conclusion, Map<String, String> outputs) {}

  /**
   * The step whose command an earlier worker started (or was about to start).
   *
   * @param step its 1-based number: always {@code stepsDone + 1}
   * @param commandId the id it was given on the host
   * @param startedAtEpochMillis when it started, for its own {@code timeout-minutes}
   */
  record Running(int step, String commandId, long startedAtEpochMillis) {}

  /** The file is missing nothing but cannot be trusted: the job runs again instead. */
  static final class Unreadable extends Exception {
    Unreadable(String message, Throwable cause) {
      super(message, cause);
    }
  }

  JobCheckpoint {
    statuses = List.copyOf(statuses);
    env = ordered(env);
    path = List.copyOf(path);
    steps = ordered(steps);
    generatedIds = ordered(generatedIds);
    masks = List.copyOf(masks);
    Map<Integer, Map<String, String>> states = new LinkedHashMap<>();
    stageStates.forEach((n, state) -> states.put(n, ordered(state)));
    stageStates = Collections.unmodifiableMap(states);
    posts = List.copyOf(posts);
  }

  /** An unmodifiable copy in the same order (the env's order is the order it was added in). */
  private static <V> Map<String, V> ordered(Map<String, V> map) {
    Map<String, V> copy = new LinkedHashMap<>(map);
    copy.forEach((k, v) -> Objects.requireNonNull(v, k));
    return Collections.unmodifiableMap(copy);
  }

  /** Where a job attempt's checkpoint lives: in its runner files, beside its command files. */
  static String path(JobPaths paths, int attempt) {
    return JobPaths.join(paths.runnerFiles(), "checkpoint.a" + attempt + ".json");
  }

  static String jobName(JobRef ref) {
    return ref.buildId() + "/" + ref.jobKey();
  }

  byte[] toBytes() {
    try {
      return JSON.writeValueAsBytes(this);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a checkpoint cannot be written as JSON", e);
    }
  }

  /**
   * Reads a checkpoint and checks it belongs to this attempt of this job and fits its steps.
   *
   * @param stepCount how many steps the job has
   * @throws Unreadable when it does not parse or does not fit, with why
   */
  static JobCheckpoint parse(byte[] bytes, JobRef ref, int attempt, int stepCount)
      throws Unreadable {
    JobCheckpoint c;
    try {
      c = JSON.readValue(bytes, JobCheckpoint.class);
    } catch (IOException | RuntimeException e) {
      throw new Unreadable("the checkpoint of " + ref + " does not parse: " + e.getMessage(), e);
    }
    String problem = c == null ? "it is empty" : c.mismatch(ref, attempt, stepCount);
    if (problem != null) {
      throw new Unreadable("the checkpoint of " + ref + " cannot be used: " + problem, null);
    }
    return c;
  }

  private String mismatch(JobRef ref, int attempt, int stepCount) {
    if (format != FORMAT) {
      return "its format is " + format + ", this engine writes " + FORMAT;
    }
    if (!Objects.equals(job, jobName(ref)) || this.attempt != attempt) {
      return "it is of " + job + " attempt " + this.attempt;
    }
    if (stepsDone < 0 || stepsDone > stepCount || statuses.size() != stepsDone) {
      return stepsDone + " steps done of " + stepCount + ", " + statuses.size() + " statuses";
    }
    if (running != null && (running.step() != stepsDone + 1 || running.commandId() == null)) {
      return "its running step " + running.step() + " does not follow step " + stepsDone;
    }
    if (addedSteps < 0) {
      return addedSteps + " added steps";
    }
    // A step registers its post when its main stage starts, which may be the running one.
    for (PostSteps.Saved post : posts) {
      if (post.step() < 1 || post.step() > Math.min(stepCount, stepsDone + 1)) {
        return "a post step of step " + post.step() + ", after step " + stepsDone;
      }
    }
    if (cancelReason != null
        && cancelReason != ErrorCode.CANCELLED
        && cancelReason != ErrorCode.TIMEOUT) {
      return "it was cancelled by " + cancelReason;
    }
    return null;
  }
}
