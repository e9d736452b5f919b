package dev.pipewright.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A worker of an {@link Installation} in a JVM of its own ({@code dev.pipewright.pipeline.Main},
 * the container's entry point, on this JVM's class path), so a fault can {@code kill -9} it: no
 * shutdown hook, no grace, nothing reported. Its output goes to a file under target/workers. Only
 * the installation's settings and the caller's reach it, none of this JVM's {@code PIPEWRIGHT_*}.
 */
public final class WorkerProcess implements AutoCloseable {
  private final Process process;
  public final Path output;

  public WorkerProcess(Installation pw, String workerId, Map<String, String> settings) {
    Map<String, String> env = new HashMap<>(settings);
    env.putAll(pw.environment(workerId));
    // The worker serves /healthz on a port of its own; 0 picks a free one.
    env.put("PIPEWRIGHT_HTTP_PORT", "0");
    env.put("PIPEWRIGHT_LOG_LEVEL", "WARN");
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    List<String> argv = new ArrayList<>();
    argv.add(java.toString());
    argv.add("-Xmx256m");
    // Start-up speed over peak speed: the process lives a few seconds.
    argv.add("-XX:TieredStopAtLevel=1");
    argv.add("-XX:+UseSerialGC");
    argv.add("-cp");
    // Under failsafe a manifest-only jar naming the test class path; under bench the class path.
    argv.add(System.getProperty("java.class.path"));
    argv.add("dev.pipewright.pipeline.Main");
    try {
      Path dir = Files.createDirectories(Path.of("target", "workers"));
      output = dir.resolve(workerId + ".log");
      ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true);
      pb.redirectOutput(output.toFile());
      pb.environment().keySet().removeIf(name -> name.startsWith("PIPEWRIGHT_"));
      pb.environment().putAll(env);
      process = pb.start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public boolean alive() {
    return process.isAlive();
  }

  /** What the worker printed so far, for a failure's message. */
  public String printed() {
    try {
      return Files.readString(output);
    } catch (IOException e) {
      return "(no output: " + e + ")";
    }
  }

  /**
   * SIGKILL, as {@code kill -9}: the JVM ends where it stands.
   *
   * @return the process's exit value (137)
   */
  public int kill() throws InterruptedException {
    process.destroyForcibly();
    return process.waitFor();
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      kill();
    }
  }
}
