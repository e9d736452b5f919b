package dev.pipewright.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pipewright.api.ci.v1.Build;
import dev.pipewright.api.ci.v1.BuildStatus;
import dev.pipewright.api.ci.v1.CancelBuildRequest;
import dev.pipewright.api.ci.v1.ErrorCode;
import dev.pipewright.api.ci.v1.Job;
import dev.pipewright.api.ci.v1.JobStatus;
import dev.pipewright.api.ci.v1.StepStatus;
import dev.pipewright.e2e.Installation;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A build stopped from outside (CancelBuild) and a step stopped by its own timeout: the running
 * step's processes end, nothing after it runs, and the build says why.
 */
final class StopFaults {
  private StopFaults() {}

  /** A step printing a numbered line and a tick in the ledger every 0.1 s, for 10 s. */
  private static List<String> ticking(Ledger ledger, String stepId) {
    return List.of(
        ledger.record("start", stepId),
        "echo \"" + stepId + " attempt\"",
        "for i in $(seq 1 100); do echo \""
            + stepId
            + " $i\"; "
            + ledger.record("tick", stepId)
            + "; sleep 0.1; done",
        ledger.record("end", stepId));
  }

  private static String workflow(Ledger ledger, String timeout) {
    return """
        on: push
        jobs:
          j:
            runs-on: ubuntu-latest
            steps:
              - %s
                run: |
        %s
              - run: |
        %s
          after:
            needs: j
            runs-on: ubuntu-latest
            steps:
              - run: |
        %s
        """
        .formatted(
            timeout,
            Probe.block(ticking(ledger, "t"), 10),
            Probe.block(List.of(ledger.record("start", "next")), 10),
            Probe.block(List.of(ledger.record("start", "after")), 10));
  }

  /**
   * CancelBuild while a step runs: the build ends CANCELLED, the step's process stops ticking, the
   * next step and the dependent job never start. Recovery: from the call until CANCELLED.
   */
  static Figures cancelMidStep() throws Exception {
    try (Installation pw = new Installation("cancel");
        Ledger ledger = new Ledger()) {
      pw.startWorker(pw.workerConfig("w", Map.of()));
      String id = pw.start(workflow(ledger, "name: long"));
      Probe.awaitLine(pw, id, "j", "t", 5);
      Instant asked = Instant.now();
      pw.stub.cancelBuild(
          CancelBuildRequest.newBuilder().setBuildId(id).setReason("fault").build());
      Build build = pw.awaitEnd(id, Probe.BUILD_END);
      Duration recovery = Duration.between(asked, Instant.now());
      assertThat(build.getStatus()).isEqualTo(BuildStatus.BUILD_STATUS_CANCELLED);
      Job j = Installation.job(build, "j");
      assertThat(j.getSteps(0).getStatus()).isEqualTo(StepStatus.STEP_STATUS_CANCELLED);
      assertThat(j.getSteps(1).getStatus())
          .isIn(StepStatus.STEP_STATUS_CANCELLED, StepStatus.STEP_STATUS_SKIPPED);
      assertThat(Installation.job(build, "after").getStatus())
          .isIn(JobStatus.JOB_STATUS_CANCELLED, JobStatus.JOB_STATUS_SKIPPED);
      return stopped(pw, ledger, id, "cancel mid-step", 0, Optional.of(recovery));
    }
  }

  /**
   * A step over its timeout-minutes (0.05, 3 s): the step FAILED with TIMEOUT, its process stops,
   * the next step and the dependent job are skipped and the build FAILED.
   */
  static Figures stepTimeout() throws Exception {
    try (Installation pw = new Installation("timeout");
        Ledger ledger = new Ledger()) {
      pw.startWorker(pw.workerConfig("w", Map.of()));
      String id = pw.start(workflow(ledger, "timeout-minutes: 0.05"));
      Build build = pw.awaitEnd(id, Probe.BUILD_END);
      int lost = build.getStatus() == BuildStatus.BUILD_STATUS_FAILED ? 0 : 1;
      Job j = Installation.job(build, "j");
      assertThat(j.getSteps(0).getStatus()).isEqualTo(StepStatus.STEP_STATUS_FAILED);
      assertThat(j.getSteps(0).getErrorCode()).isEqualTo(ErrorCode.ERROR_CODE_TIMEOUT);
      assertThat(j.getSteps(1).getStatus()).isEqualTo(StepStatus.STEP_STATUS_SKIPPED);
      assertThat(Installation.job(build, "after").getStatus())
          .isEqualTo(JobStatus.JOB_STATUS_SKIPPED);
      return stopped(pw, ledger, id, "step timeout", lost, Optional.empty());
    }
  }

  /**
   * What a stopped build must show: the stopped step's ticks stop with the build (a process left
   * running would go on adding them), it never reached its end, nothing after it started, and its
   * numbered lines up to the stop are all there once.
   */
  private static Figures stopped(
      Installation pw,
      Ledger ledger,
      String id,
      String scenario,
      int lost,
      Optional<Duration> recovery) {
    int ticks = ledger.count("tick").getOrDefault("t", 0);
    await()
        .during(Duration.ofSeconds(1))
        .atMost(Duration.ofSeconds(3))
        .until(() -> ledger.count("tick").getOrDefault("t", 0) == ticks);
    assertThat(ledger.count("start")).containsOnlyKeys("t");
    assertThat(ledger.count("end")).isEmpty();
    Ledger.LineCount lines = Ledger.lines(pw.logText(id, "j"), "t", 0);
    return new Figures(
        scenario,
        lost,
        ledger.runTwice(),
        lines.lost(),
        lines.duplicated(),
        0,
        recovery,
        Optional.empty());
  }
}
