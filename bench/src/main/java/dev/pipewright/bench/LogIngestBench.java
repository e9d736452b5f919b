package dev.pipewright.bench;

import dev.pipewright.executor.JobRef;
import dev.pipewright.executor.LogChunk;
import dev.pipewright.executor.LogChunker;
import dev.pipewright.executor.LogLimits;
import dev.pipewright.executor.LogSink;
import dev.pipewright.executor.SecretMasker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Masker + chunker throughput on 200 MB of generated log lines in memory (no I/O); the argument is
 * the megabytes ({@code [megabytes=200]}, see README.md). Prints figures, asserts nothing.
 * Throughput per CPU-second is printed beside wall-clock throughput because the build machine is
 * shared and wall time mostly measures the neighbours.
 */
public final class LogIngestBench {
  private LogIngestBench() {}

  public static void main(String[] args) {
    long targetBytes = (args.length > 0 ? Long.parseLong(args[0]) : 200) * 1_000_000L;
    Random random = new Random(7);
    List<String> secrets = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      secrets.add("secret-" + Long.toHexString(random.nextLong()));
    }
    String[] pool = new String[1 << 16];
    for (int i = 0; i < pool.length; i++) {
      StringBuilder line = new StringBuilder();
      line.append("2026-01-01T00:00:").append(i % 60).append("Z [INFO] worker-").append(i % 8);
      while (line.length() < 60 + random.nextInt(80)) {
        line.append(' ').append(Long.toString(random.nextLong() & 0xffffffL, 36));
      }
      if (i % 100 == 0) {
        line.append(" token=").append(secrets.get(i % secrets.size()));
      }
      pool[i] = line.toString();
    }
    for (int round = 0; round < 2; round++) {
      String label = round == 0 ? "warm-up" : "measured";
      report(label + ", no secrets", run(pool, new SecretMasker(), targetBytes));
      report(label + ", 50 secrets", run(pool, new SecretMasker(secrets), targetBytes));
    }
  }

  private record Result(long bytes, long lines, long chunks, long nanos, long cpuNanos) {}

  private static Result run(String[] pool, SecretMasker masker, long targetBytes) {
    AtomicLong chunks = new AtomicLong();
    AtomicLong stored = new AtomicLong();
    // No caps: every line is masked and chunked, as the first 64 MiB of a step are.
    LogSink sink =
        new LogSink() {
          @Override
          public void append(LogChunk chunk) {
            chunks.incrementAndGet();
            stored.addAndGet(chunk.content().length());
          }

          @Override
          public LogLimits limits() {
            return new LogLimits(Long.MAX_VALUE, Long.MAX_VALUE);
          }
        };
    LogChunker chunker =
        new LogChunker(
            sink,
            new JobRef("bench", "job"),
            1,
            0,
            masker,
            LogChunker.DEFAULT_MAX_CHARS,
            Duration.ofMillis(200),
            System::nanoTime,
            LogChunker.VIRTUAL_THREADS,
            LogChunker.DEFAULT_ATTEMPTS);
    long bytes = 0;
    long lines = 0;
    var threads = java.lang.management.ManagementFactory.getThreadMXBean();
    long cpuStart = threads.getCurrentThreadCpuTime();
    long start = System.nanoTime();
    int i = 0;
    while (bytes < targetBytes) {
      String line = pool[i++ & (pool.length - 1)];
      chunker.line(line);
      bytes += line.length() + 1;
      lines++;
    }
    chunker.close();
    return new Result(
        bytes,
        lines,
        chunks.get(),
        System.nanoTime() - start,
        threads.getCurrentThreadCpuTime() - cpuStart);
  }

  private static void report(String label, Result r) {
    double seconds = r.nanos / 1e9;
    System.out.printf(
        Locale.ROOT,
        "%-22s %4.0f MB in %5.2f s wall: %6.1f MB/s, %,11.0f lines/s;"
            + " per CPU-second: %6.1f MB/s, %,11.0f lines/s; %,d chunks%n",
        label,
        r.bytes / 1e6,
        seconds,
        r.bytes / 1e6 / seconds,
        r.lines / seconds,
        r.bytes / 1e6 / (r.cpuNanos / 1e9),
        r.lines / (r.cpuNanos / 1e9),
        r.chunks);
  }
}
