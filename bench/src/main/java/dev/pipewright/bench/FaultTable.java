package dev.pipewright.bench;

import dev.pipewright.faults.FaultScenarios;
import dev.pipewright.faults.FaultScenarios.Scenario;
import dev.pipewright.faults.Figures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The fault and abuse suite's table: runs the scenarios of tests/faults ({@link FaultScenarios},
 * the ones {@code FaultsIT} runs) and prints, per scenario, builds lost, steps run twice, log lines
 * lost and duplicated, secrets leaked and the time to recover; a scenario whose checks failed gets
 * a row saying so. With {@code --rows DIR} it prints the rows a FaultsIT run wrote
 * (tests/faults/target/faults) instead. Arguments: scenario names (default all), or {@code --rows
 * DIR}. Needs PostgreSQL and RabbitMQ on loopback; the restart scenarios need root (set {@code
 * PIPEWRIGHT_FAULTS_RESTARTS=off} to skip them). Run it in its own JVM ({@code java -cp}): the kill
 * -9 scenario starts a worker on this JVM's class path.
 */
public final class FaultTable {
  private FaultTable() {}

  public static void main(String[] args) throws Exception {
    System.setProperty("org.jooq.no-logo", "true");
    System.setProperty("org.jooq.no-tips", "true");
    if (args.length == 2 && args[0].equals("--rows")) {
      System.out.println(Figures.HEADER);
      rows(Path.of(args[1])).forEach(System.out::println);
      return;
    }
    List<Scenario> scenarios = new ArrayList<>();
    for (String name : args) {
      scenarios.add(FaultScenarios.named(name));
    }
    if (scenarios.isEmpty()) {
      scenarios.addAll(FaultScenarios.ALL);
    }
    List<String> rows = new ArrayList<>();
    for (Scenario s : scenarios) {
      String row;
      try {
        row = s.run().run().row();
      } catch (Exception | AssertionError e) {
        row =
            "| "
                + s.name()
                + " | FAILED: "
                + String.valueOf(e.getMessage()).replace('\n', ' ')
                + " | | | | | |";
      }
      System.err.println(row);
      rows.add(row);
    }
    System.out.println(Figures.HEADER);
    rows.forEach(System.out::println);
  }

  private static List<String> rows(Path dir) throws IOException {
    List<String> rows = new ArrayList<>();
    for (Scenario s : FaultScenarios.ALL) {
      Path row = dir.resolve(s.name() + ".row");
      rows.add(
          Files.exists(row)
              ? Files.readString(row).strip()
              : "| " + s.name() + " | not run | | | | | |");
    }
    return rows;
  }
}
