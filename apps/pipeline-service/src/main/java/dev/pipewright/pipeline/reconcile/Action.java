package dev.pipewright.pipeline.reconcile;

import dev.pipewright.executor.NeedResult;
import dev.pipewright.models.BuildStatus;
import dev.pipewright.models.ErrorCode;
import dev.pipewright.models.JobStatus;
import java.util.Map;

/** One change the reconciler asks for; the shell applies each through a guarded update. */
public sealed interface Action {

  /**
   * PENDING → QUEUED, then hand the instance to the runner.
   *
   * @param needs the {@code needs} context the instance runs with
   */
  record Start(String key, int attempt, Map<String, NeedResult> needs) implements Action {
    public Start {
      needs = Map.copyOf(needs);
    }
  }

  /**
   * The instance is active in the store but the runner does not know it (its worker died): reset
   * its steps and run it again as {@code attempt}.
   */
  record Restart(String key, int attempt, Map<String, NeedResult> needs) implements Action {
    public Restart {
      needs = Map.copyOf(needs);
    }
  }

  /** The runner saw a change the store has not recorded yet (a lost callback). */
  record Record(
      String key,
      JobStatus status,
      ErrorCode errorCode,
      String message,
      Map<String, String> outputs)
      implements Action {
    public Record {
      outputs = outputs == null ? Map.of() : Map.copyOf(outputs);
    }
  }

  /** PENDING → SKIPPED: its {@code if:} is false or a need did not succeed. */
  record Skip(String key, String reason) implements Action {}

  /**
   * Cancels an instance. When {@code active} (its runner runs it) the runner is told to stop it and
   * its row stays open until the runner reports how it ended, its steps recorded as they ran; else
   * the row goes CANCELLED now with its unfinished steps.
   */
  record Cancel(String key, boolean active, String reason) implements Action {}

  /** The needs of a dynamic-matrix job finished: evaluate its matrix and create its instances. */
  record ExpandMatrix(String jobId, Map<String, NeedResult> needs) implements Action {
    public ExpandMatrix {
      needs = Map.copyOf(needs);
    }
  }

  /** RUNNING → a terminal state. */
  record FinishBuild(BuildStatus status, ErrorCode errorCode, String message) implements Action {}
}
