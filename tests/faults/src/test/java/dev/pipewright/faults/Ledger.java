package dev.pipewright.faults;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Evidence of what steps really did, kept outside every workspace so no worker cleans it up: each
 * counted step appends "start ID" and "end ID" lines to one file, and prints "ID attempt" then the
 * numbered lines "ID 1" ... "ID n". The file says how often each step ran to its end; the log says
 * whether a line was lost or stored twice.
 */
public final class Ledger implements AutoCloseable {
  private final Path dir;
  private final Path file;

  public Ledger() {
    try {
      dir = Files.createTempDirectory("pw-faults-");
      file = dir.resolve("runs");
      Files.createFile(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A directory for the scenario's own evidence beside the ledger. */
  public Path dir() {
    return dir;
  }

  /** A bash line that appends "EVENT ID" to the ledger. */
  public String record(String event, String stepId) {
    return "echo \"" + event + " " + stepId + "\" >> " + file;
  }

  /**
   * A step's script (one line per element): records its start, prints its attempt line and {@code
   * lines} numbered lines, one each {@code pause} (a sleep(1) argument), records its end.
   */
  public List<String> countingStep(String stepId, int lines, String pause) {
    return List.of(
        record("start", stepId),
        "echo \"" + stepId + " attempt\"",
        "for i in $(seq 1 " + lines + "); do echo \"" + stepId + " $i\"; sleep " + pause + "; done",
        record("end", stepId));
  }

  /** How many times each step recorded {@code event}. */
  public Map<String, Integer> count(String event) {
    Map<String, Integer> counts = new HashMap<>();
    for (String line : read()) {
      String[] parts = line.split(" ", 2);
      if (parts.length == 2 && parts[0].equals(event)) {
        counts.merge(parts[1], 1, Integer::sum);
      }
    }
    return counts;
  }

  /** Steps that ran to their end more than once: each extra end counts. */
  public int runTwice() {
    return count("end").values().stream().mapToInt(n -> n - 1).sum();
  }

  /** Of {@code stepIds}, those that never ran to their end. */
  public Set<String> neverEnded(Set<String> stepIds) {
    Set<String> missing = new HashSet<>(stepIds);
    missing.removeAll(count("end").keySet());
    return missing;
  }

  public List<String> read() {
    try {
      return Files.readAllLines(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Lines lost and lines stored twice. */
  public record LineCount(int lost, int duplicated) {
    public LineCount plus(LineCount o) {
      return new LineCount(lost + o.lost, duplicated + o.duplicated);
    }
  }

  /**
   * Checks a counted step's numbered lines in {@code log}: within each attempt (from one "ID
   * attempt" line to the next) a number missing below the highest seen is lost and a number seen
   * again is duplicated; the last attempt must reach {@code expected}, or the numbers it lacks are
   * lost too. An attempt cut short by a fault may stop early, but not skip or repeat.
   */
  public static LineCount lines(String log, String stepId, int expected) {
    Pattern numbered = Pattern.compile("^" + Pattern.quote(stepId) + " (\\d+|attempt)$");
    int lost = 0;
    int duplicated = 0;
    Set<Integer> seen = new HashSet<>();
    int highest = 0;
    boolean any = false;
    for (String line : log.split("\n", -1)) {
      Matcher m = numbered.matcher(line);
      if (!m.matches()) {
        continue;
      }
      if (m.group(1).equals("attempt")) {
        if (any) {
          lost += highest - seen.size();
        }
        seen.clear();
        highest = 0;
        any = true;
        continue;
      }
      int n = Integer.parseInt(m.group(1));
      if (!seen.add(n)) {
        duplicated++;
      }
      highest = Math.max(highest, n);
    }
    lost += Math.max(expected, highest) - seen.size();
    return new LineCount(lost, duplicated);
  }

  @Override
  public void close() throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
