package dev.pipewright.faults;

import java.time.Duration;
import java.util.Optional;

/**
 * What one fault scenario cost: builds that did not end as they should, steps that completed more
 * than once, numbered log lines missing or repeated within one attempt of a step, secret forms
 * found in a log, and how long the system took from the end of the fault until it was seen working
 * again (absent where the scenario has no recovery, e.g. a refused input answered at once).
 *
 * @param skipped why the scenario did not run (a restart this machine does not allow); the counts
 *     are then zero and mean nothing
 */
public record Figures(
    String scenario,
    int buildsLost,
    int stepsRunTwice,
    int linesLost,
    int linesDuplicated,
    int secretsLeaked,
    Optional<Duration> recovery,
    Optional<String> skipped) {

  /**
   * The figures of a scenario whose steps report to {@code ledger} and whose numbered lines were
   * counted as {@code lines}; no secrets involved.
   *
   * @param recovery null where the scenario has none
   */
  public static Figures counted(
      String scenario, int lost, Ledger ledger, Ledger.LineCount lines, Duration recovery) {
    return new Figures(
        scenario,
        lost,
        ledger.runTwice(),
        lines.lost(),
        lines.duplicated(),
        0,
        Optional.ofNullable(recovery),
        Optional.empty());
  }

  public static Figures skipped(String scenario, String why) {
    return new Figures(scenario, 0, 0, 0, 0, 0, Optional.empty(), Optional.of(why));
  }

  /** True when nothing was lost, run twice or leaked. */
  public boolean clean() {
    return buildsLost == 0
        && stepsRunTwice == 0
        && linesLost == 0
        && linesDuplicated == 0
        && secretsLeaked == 0;
  }

  public Figures withRecovery(Duration d) {
    return new Figures(
        scenario,
        buildsLost,
        stepsRunTwice,
        linesLost,
        linesDuplicated,
        secretsLeaked,
        Optional.of(d),
        skipped);
  }

  /** One row of the table {@code FaultTable} prints. */
  public String row() {
    if (skipped.isPresent()) {
      return String.format("| %s | skipped: %s | | | | | |", scenario, skipped.get());
    }
    return String.format(
        "| %s | %d | %d | %d | %d | %d | %s |",
        scenario,
        buildsLost,
        stepsRunTwice,
        linesLost,
        linesDuplicated,
        secretsLeaked,
        recovery.map(d -> String.format("%.1f s", d.toMillis() / 1000.0)).orElse("—"));
  }

  public static final String HEADER =
      "| scenario | builds lost | steps run twice | lines lost | lines duplicated | secrets leaked"
          + " | time to recover |\n| --- | --- | --- | --- | --- | --- | --- |";
}
