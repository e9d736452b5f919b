package dev.pipewright.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs a command through {@code sh} and measures it: wall seconds and the CPU seconds (user and
 * system) the command and its children used, as the shell's {@code times} prints them, so that a
 * client process's work is counted apart from this JVM's.
 */
final class TimedCommand {
  private static final Pattern TIME = Pattern.compile("(\\d+)m([\\d.]+)s");

  /** What the command printed on standard output, and what it took. */
  record Result(double seconds, double cpuSeconds, String output) {}

  private TimedCommand() {}

  /**
   * Runs {@code command} (its standard error goes to this process's).
   *
   * @throws IllegalStateException when it exits with another status than 0
   */
  static Result run(List<String> command) throws IOException, InterruptedException {
    Path output = Files.createTempFile("pw-bench-", ".out");
    try {
      // The command's output goes to a file ($0), `times` to the pipe read here.
      List<String> sh = new ArrayList<>(List.of("sh", "-c", "\"$@\" > \"$0\" && times"));
      sh.add(output.toString());
      sh.addAll(command);
      long start = System.nanoTime();
      Process p = new ProcessBuilder(sh).redirectError(ProcessBuilder.Redirect.INHERIT).start();
      String times = new String(p.getInputStream().readAllBytes());
      int status = p.waitFor();
      double seconds = (System.nanoTime() - start) / 1e9;
      if (status != 0) {
        throw new IllegalStateException(command.get(0) + " exited with " + status);
      }
      return new Result(seconds, childCpu(times), Files.readString(output));
    } finally {
      Files.deleteIfExists(output);
    }
  }

  /** The children's user and system seconds: the second line of {@code times}. */
  private static double childCpu(String times) {
    List<String> lines = times.lines().filter(l -> TIME.matcher(l).find()).toList();
    if (lines.size() < 2) {
      throw new IllegalStateException("no `times` output: " + times);
    }
    double cpu = 0;
    Matcher m = TIME.matcher(lines.get(1));
    while (m.find()) {
      cpu += Integer.parseInt(m.group(1)) * 60 + Double.parseDouble(m.group(2));
    }
    return cpu;
  }
}
