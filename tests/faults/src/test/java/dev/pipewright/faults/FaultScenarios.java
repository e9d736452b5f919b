package dev.pipewright.faults;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Every fault scenario by name, in the order the table lists them: the one list both {@code
 * FaultsIT} and bench's {@code FaultTable} run. A scenario checks what it must (statuses, markers,
 * refusals) by throwing an AssertionError, and returns its figures; a restart this machine does not
 * allow returns {@link Figures#skipped}.
 */
public final class FaultScenarios {
  /** A scenario: a name and what runs it. */
  public record Scenario(String name, Run run) {}

  @FunctionalInterface
  public interface Run {
    Figures run() throws Exception;
  }

  public static final List<Scenario> ALL =
      List.of(
          new Scenario("kill9", WorkerFaults::killWorkerMidStep),
          new Scenario("kill9-quiet", WorkerFaults::killWorkerDuringQuietStep),
          new Scenario("two-workers", WorkerFaults::twoWorkersOnOneBuild),
          new Scenario("broker-submit", ServiceFaults::brokerStoppedWhileSubmitting),
          new Scenario("broker-mid-build", ServiceFaults::brokerStoppedMidBuild),
          new Scenario("database-mid-build", ServiceFaults::databaseRestartedMidBuild),
          new Scenario("hostile-inputs", InputFaults::hostileInputs),
          new Scenario("invalid-utf8", InputFaults::invalidUtf8),
          new Scenario("output-abuse", OutputFaults::outputAbuse),
          new Scenario("secrets", OutputFaults::secretsInEveryEncoding),
          new Scenario("cancel", StopFaults::cancelMidStep),
          new Scenario("timeout", StopFaults::stepTimeout));

  private FaultScenarios() {}

  public static Scenario named(String name) {
    return ALL.stream()
        .filter(s -> s.name().equals(name))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no fault scenario " + name));
  }

  /** Where a run's figures are kept, one row per scenario, for the table. */
  public static void record(Path dir, String name, Figures figures) throws IOException {
    Files.createDirectories(dir);
    Files.writeString(dir.resolve(name + ".row"), figures.row() + "\n");
  }
}
