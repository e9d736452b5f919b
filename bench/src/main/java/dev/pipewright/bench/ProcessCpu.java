package dev.pipewright.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * CPU time of this JVM, of its finished child processes, and of the PostgreSQL backends serving a
 * database, for the bench's figures.
 */
final class ProcessCpu {
  private ProcessCpu() {}

  /**
   * Nanoseconds: {this process, its waited-for children}. Children come from /proc (Linux); where
   * it is missing they read 0.
   */
  static long[] now() {
    long self =
        ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
            .getProcessCpuTime();
    long children = 0;
    try {
      String stat = Files.readString(Path.of("/proc/self/stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      // After the command: state is field 0, cutime 13 and cstime 14, in clock ticks (USER_HZ 100).
      children = (Long.parseLong(f[13]) + Long.parseLong(f[14])) * 10_000_000L;
    } catch (IOException | RuntimeException e) {
      children = 0;
    }
    return new long[] {self, children};
  }

  /**
   * CPU time of process {@code pid} in nanoseconds, from {@code /proc/<pid>/schedstat}; -1 when it
   * cannot be read (a PostgreSQL server on another machine).
   */
  static long ofProcess(long pid) {
    try {
      return Long.parseLong(
          Files.readString(Path.of("/proc", Long.toString(pid), "schedstat")).split(" ")[0]);
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  /**
   * CPU time in nanoseconds of the PostgreSQL backends now connected to {@code database} on this
   * machine (their process titles name it), -1 when there is none to read. The services' pools keep
   * their connections, so the difference of two readings is what the backends spent between them.
   */
  static long ofBackends(String database) {
    long sum = -1;
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      for (Path p : (Iterable<Path>) procs::iterator) {
        String name = p.getFileName().toString();
        if (!name.chars().allMatch(Character::isDigit) || !servesDatabase(p, database)) {
          continue;
        }
        long cpu = ofProcess(Long.parseLong(name));
        if (cpu >= 0) {
          sum = Math.max(sum, 0) + cpu;
        }
      }
    } catch (IOException | RuntimeException e) {
      return -1;
    }
    return sum;
  }

  /** A backend's title: {@code postgres: <cluster>: <user> <database> <client> <activity>}. */
  private static boolean servesDatabase(Path proc, String database) {
    try {
      String title =
          new String(Files.readAllBytes(proc.resolve("cmdline")), StandardCharsets.UTF_8);
      return title.startsWith("postgres: ") && title.contains(" " + database + " ");
    } catch (IOException e) {
      return false;
    }
  }
}
