package dev.pipewright.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pipewright.api.ci.v1.BuildStatus;
import dev.pipewright.e2e.Installation;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The broker and the database go away and come back while builds are submitted and running. Each
 * restart is kept short and undone in a finally block: other tests on the machine share these
 * services.
 */
final class ServiceFaults {
  private static final int SUBMITTED = 4;

  private ServiceFaults() {}

  /**
   * RabbitMQ is stopped, builds are submitted (admission writes them and their outbox rows to
   * PostgreSQL) and RabbitMQ is started again: every build is published, claimed and run once.
   * Recovery: from the broker accepting connections until the last of those builds was claimed.
   */
  static Figures brokerStoppedWhileSubmitting() throws Exception {
    String scenario = "RabbitMQ stopped while submitting";
    Optional<String> why = ServiceControl.brokerUnavailable();
    if (why.isPresent()) {
      return Figures.skipped(scenario, why.get());
    }
    try (Installation pw = new Installation("brokersubmit");
        Ledger ledger = new Ledger()) {
      pw.startWorker(pw.workerConfig("w", Map.of()));
      List<String> ids = new ArrayList<>();
      Set<String> steps = new HashSet<>();
      Instant back;
      ServiceControl.stopBroker();
      try {
        for (int i = 0; i < SUBMITTED; i++) {
          String step = "s" + i;
          steps.add(step);
          ids.add(pw.start(Probe.oneStep("j", ledger.countingStep(step, 5, "0"))));
        }
      } finally {
        back = ServiceControl.startBroker();
      }
      Duration recovery = Duration.ZERO;
      for (String id : ids) {
        recovery = Probe.untilClaimed(pw, id, back);
      }
      int lost = 0;
      Ledger.LineCount lines = new Ledger.LineCount(0, 0);
      for (int i = 0; i < SUBMITTED; i++) {
        lost += Probe.lost(pw, ids.get(i), BuildStatus.BUILD_STATUS_SUCCEEDED);
        lines = lines.plus(Ledger.lines(pw.logText(ids.get(i), "j"), "s" + i, 5));
      }
      assertThat(ledger.neverEnded(steps)).isEmpty();
      return Figures.counted(scenario, lost, ledger, lines, recovery);
    }
  }

  /**
   * RabbitMQ is stopped while a build runs (the worker's consumer loses its connection) and started
   * again: the build finishes once with every line, and a build submitted afterwards is taken by
   * the same worker. Recovery: from the broker accepting connections until that build was claimed.
   */
  static Figures brokerStoppedMidBuild() throws Exception {
    String scenario = "RabbitMQ stopped mid-build";
    Optional<String> why = ServiceControl.brokerUnavailable();
    if (why.isPresent()) {
      return Figures.skipped(scenario, why.get());
    }
    try (Installation pw = new Installation("brokermid");
        Ledger ledger = new Ledger()) {
      pw.startWorker(pw.workerConfig("w", Map.of()));
      String id = pw.start(Probe.oneStep("j", ledger.countingStep("m", 40, "0.1")));
      Probe.awaitLine(pw, id, "j", "m", 3);
      Instant back;
      ServiceControl.stopBroker();
      try {
        Probe.awaitLine(pw, id, "j", "m", 8);
      } finally {
        back = ServiceControl.startBroker();
      }
      String after = pw.start(Probe.oneStep("j", ledger.countingStep("after", 2, "0")));
      Duration recovery = Probe.untilClaimed(pw, after, back);
      int lost =
          Probe.lost(pw, id, BuildStatus.BUILD_STATUS_SUCCEEDED)
              + Probe.lost(pw, after, BuildStatus.BUILD_STATUS_SUCCEEDED);
      Ledger.LineCount lines = Ledger.lines(pw.logText(id, "j"), "m", 40);
      assertThat(ledger.neverEnded(Set.of("m", "after"))).isEmpty();
      return Figures.counted(scenario, lost, ledger, lines, recovery);
    }
  }

  /**
   * PostgreSQL is restarted (every connection dropped) while a step prints: the lines printed
   * meanwhile are stored once it is back, none twice, and the build ends once. Recovery: from the
   * database accepting connections until the API showed new lines of the step.
   */
  static Figures databaseRestartedMidBuild() throws Exception {
    String scenario = "PostgreSQL restarted mid-build";
    Optional<String> why = ServiceControl.databaseUnavailable();
    if (why.isPresent()) {
      return Figures.skipped(scenario, why.get());
    }
    try (Installation pw = new Installation("dbrestart");
        Ledger ledger = new Ledger()) {
      pw.startWorker(pw.workerConfig("w", Map.of()));
      String id = pw.start(Probe.oneStep("j", ledger.countingStep("d", 60, "0.1")));
      Probe.awaitLine(pw, id, "j", "d", 3);
      int before = Probe.numbered(pw, id, "j", "d");
      Instant back = ServiceControl.restartDatabase();
      Duration recovery = Probe.untilMoreLines(pw, id, "j", "d", before, back);
      int lost = Probe.lost(pw, id, BuildStatus.BUILD_STATUS_SUCCEEDED);
      Ledger.LineCount lines = Ledger.lines(pw.logText(id, "j"), "d", 60);
      assertThat(ledger.neverEnded(Set.of("d"))).isEmpty();
      return Figures.counted(scenario, lost, ledger, lines, recovery);
    }
  }
}
