package dev.pipewright.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/** CPU time of this JVM and of its finished child processes, for the bench's figures. */
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
}
