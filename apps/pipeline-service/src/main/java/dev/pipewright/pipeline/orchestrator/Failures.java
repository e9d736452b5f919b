package dev.pipewright.pipeline.orchestrator;

import dev.pipewright.executor.SecretMasker;
import dev.pipewright.models.BuildStatus;
import dev.pipewright.models.ErrorCode;
import dev.pipewright.models.JobStatus;
import dev.pipewright.models.StepStatus;
import dev.pipewright.pipeline.reconcile.InstanceState;

/**
 * Failures the orchestrator records itself because no runner will: a job instance a runner refused
 * for good, a build whose passes cannot succeed. Each is written the way a runner writes its own:
 * the row with its typed error, what will not run closed, and an {@code ##[error]} line in the
 * job's (or the build's) own log, masked like every log line, so that GetBuild and GetBuildLogs
 * both say why. The line is written first: a log follower stops once what it follows has ended.
 */
final class Failures {
  private static final String ERROR = "##[error]";

  private final RunStore store;

  Failures(RunStore store) {
    this.store = store;
  }

  /**
   * A job instance that never ran: FAILED with {@code code}, its {@code steps} SKIPPED.
   *
   * @return the message as stored (masked)
   */
  String failJob(BuildRecord build, String key, int steps, ErrorCode code, String message) {
    String masked = mask(build, message);
    store.appendLog(build.id(), key, ERROR + masked);
    for (int n = 1; n <= steps; n++) {
      store.moveStep(build.id(), key, n, StepStatus.SKIPPED, null);
    }
    store.moveJob(build.id(), key, JobStatus.FAILED, code, masked, null);
    return masked;
  }

  /**
   * The build FAILED with {@code code}, its unfinished job instances CANCELLED.
   *
   * @return false when the build was not this worker's to finish any more (its line is written all
   *     the same: this worker did give up on it)
   */
  boolean failBuild(BuildRecord build, ErrorCode code, String message) {
    String masked = mask(build, message);
    store.appendLog(build.id(), null, ERROR + masked);
    if (!store.finishBuild(build.id(), BuildStatus.FAILED, code, masked)) {
      return false;
    }
    for (InstanceState row : store.jobs(build.id())) {
      if (!row.status().terminal()) {
        store.closeJob(
            build.id(), row.key(), JobStatus.CANCELLED, ErrorCode.CANCELLED, "the build failed");
      }
    }
    return true;
  }

  private static String mask(BuildRecord build, String message) {
    return new SecretMasker(build.secrets().values()).mask(message == null ? "" : message);
  }
}
