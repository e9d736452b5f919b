package dev.pipewright.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pipewright.api.ci.v1.BuildStatus;
import dev.pipewright.e2e.Installation;
import dev.pipewright.e2e.WorkerProcess;
import dev.pipewright.queue.BuildMessage;
import dev.pipewright.queue.BuildPublisher;
import dev.pipewright.queue.QueueClient;
import dev.pipewright.queue.QueueSettings;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Faults of workers: one killed with SIGKILL in the middle of a step, two on one build. */
final class WorkerFaults {
  /**
   * Leases short enough for a take-over within seconds, long enough that a worker on a loaded
   * machine (2 cores, several JVMs) renews in time: with Installation's 2 s lease a busy worker
   * lost its own build now and then.
   */
  private static final Map<String, String> TAKEOVER =
      Map.of(
          "PIPEWRIGHT_LEASE_SECONDS", "6",
          "PIPEWRIGHT_WORKER_REAPER_PERIOD", "250ms",
          "PIPEWRIGHT_WORKER_TICK", "100ms");

  private WorkerFaults() {}

  /**
   * A worker process is killed with SIGKILL while a step prints; another worker takes the build
   * over once the lease expired and runs the step again. The killed attempt's step process has no
   * reader left and dies on its next write; the new attempt prints every line once.
   */
  static Figures killWorkerMidStep() throws Exception {
    String scenario = "kill -9 worker mid-step";
    try (Installation pw = new Installation("kill9");
        Ledger ledger = new Ledger()) {
      String id =
          pw.start(
              """
              on: push
              jobs:
                count:
                  runs-on: ubuntu-latest
                  steps:
                    - run: |
              %s
                    - run: |
              %s
              """
                  .formatted(
                      Probe.block(ledger.countingStep("k1", 30, "0.1"), 10),
                      Probe.block(ledger.countingStep("k2", 3, "0"), 10)));
      int before;
      Instant killed;
      try (WorkerProcess doomed = new WorkerProcess(pw, "doomed-" + id, TAKEOVER)) {
        Probe.awaitLine(pw, id, "count", "k1", 5);
        doomed.kill();
        killed = Instant.now();
        before = Probe.numbered(pw, id, "count", "k1");
      }
      assertThat(pw.get(id).getStatus()).isEqualTo(BuildStatus.BUILD_STATUS_RUNNING);
      pw.startWorker(pw.workerConfig("successor", TAKEOVER));
      Duration recovery = Probe.untilMoreLines(pw, id, "count", "k1", before, killed);
      int lost = Probe.lost(pw, id, BuildStatus.BUILD_STATUS_SUCCEEDED);
      String log = pw.logText(id, "count");
      Ledger.LineCount lines = Ledger.lines(log, "k1", 30).plus(Ledger.lines(log, "k2", 3));
      assertThat(ledger.neverEnded(Set.of("k1", "k2"))).isEmpty();
      // The step ran again: two starts of k1, one end.
      assertThat(ledger.count("start").get("k1")).isGreaterThanOrEqualTo(2);
      return Figures.counted(scenario, lost, ledger, lines, recovery);
    }
  }

  /**
   * A worker process is killed with SIGKILL while a step sleeps without printing (a deployment
   * waiting on a remote service): the step must not complete twice. Its process group is in a
   * session of its own (setsid), so nothing but the worker's signal shell, which kills the groups
   * it watches when the worker's end closes its input, stops it from waking up and completing
   * beside the successor's second attempt.
   */
  static Figures killWorkerDuringQuietStep() throws Exception {
    try (Installation pw = new Installation("kill9quiet");
        Ledger ledger = new Ledger()) {
      String id =
          pw.start(
              Probe.oneStep(
                  "quiet",
                  List.of(ledger.record("start", "q"), "sleep 3", ledger.record("end", "q"))));
      try (WorkerProcess doomed = new WorkerProcess(pw, "doomed-" + id, TAKEOVER)) {
        await()
            .atMost(Duration.ofSeconds(60))
            .pollInterval(Duration.ofMillis(50))
            .until(() -> ledger.count("start").containsKey("q"));
        doomed.kill();
      }
      Instant killed = Instant.now();
      pw.startWorker(pw.workerConfig("successor", TAKEOVER));
      int lost = Probe.lost(pw, id, BuildStatus.BUILD_STATUS_SUCCEEDED);
      Duration recovery = Duration.between(killed, Instant.now());
      // A step process left running ends its 3 s sleep by then at the latest.
      Instant orphanDone = killed.plusSeconds(4);
      await().atMost(Duration.ofSeconds(10)).until(() -> Instant.now().isAfter(orphanDone));
      return new Figures(
          "kill -9 worker during a quiet step",
          lost,
          ledger.runTwice(),
          0,
          0,
          0,
          Optional.of(recovery),
          Optional.empty());
    }
  }

  /**
   * Two workers consume the same queue and the build's message is delivered three times (the
   * admission's and two duplicates): the build and each of its jobs run once.
   */
  static Figures twoWorkersOnOneBuild() throws Exception {
    String scenario = "two workers on one build";
    try (Installation pw = new Installation("two");
        Ledger ledger = new Ledger()) {
      pw.startWorker(pw.workerConfig("one", Map.of()));
      pw.startWorker(pw.workerConfig("two", Map.of()));
      String id =
          pw.start(
              """
              on: push
              jobs:
                a:
                  runs-on: ubuntu-latest
                  steps:
                    - run: |
              %s
                b:
                  runs-on: ubuntu-latest
                  steps:
                    - run: |
              %s
                c:
                  needs: [a, b]
                  runs-on: ubuntu-latest
                  steps:
                    - run: |
              %s
              """
                  .formatted(
                      Probe.block(ledger.countingStep("a1", 10, "0.05"), 10),
                      Probe.block(ledger.countingStep("b1", 10, "0.05"), 10),
                      Probe.block(ledger.countingStep("c1", 10, "0.05"), 10)));
      try (QueueClient queue =
              QueueClient.create(QueueSettings.of(QueueSettings.DEFAULT_URI, pw.names));
          BuildPublisher publisher = queue.publisher()) {
        publisher.publish(new BuildMessage("dup-1-" + id, id));
        publisher.publish(new BuildMessage("dup-2-" + id, id));
      }
      int lost = Probe.lost(pw, id, BuildStatus.BUILD_STATUS_SUCCEEDED);
      Ledger.LineCount lines = new Ledger.LineCount(0, 0);
      for (String job : new String[] {"a", "b", "c"}) {
        lines = lines.plus(Ledger.lines(pw.logText(id, job), job + "1", 10));
      }
      assertThat(ledger.neverEnded(Set.of("a1", "b1", "c1"))).isEmpty();
      // Each step started once too: nothing began a second run and was stopped.
      assertThat(ledger.count("start"))
          .containsOnly(Map.entry("a1", 1), Map.entry("b1", 1), Map.entry("c1", 1));
      return Figures.counted(scenario, lost, ledger, lines, null);
    }
  }
}
