package dev.pipewright.bench;

import dev.pipewright.api.ci.v1.GetArtifactRequest;
import dev.pipewright.api.ci.v1.GetArtifactResponse;
import dev.pipewright.e2e.Installation;
import dev.pipewright.secrets.SecretKeys;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.UUID;

/**
 * The artifact and cache services' throughput against {@code cp} + {@code sync} of the same file
 * on the same disk (the blob root beside it), the client a {@link CurlClient} so this JVM does the
 * entry API's work alone: an artifact uploaded the way {@code @actions/artifact} moves bytes (8 MiB
 * Put Blocks, 5 at once, Put Block List, FinalizeArtifact) and downloaded (one GET of the signed
 * URL); Pipewright's own downloads with the API token (GetArtifact over gRPC, its client in this
 * JVM as in the CLI; {@code GET /builds/{id}/artifacts/{name}}); a cache saved the way {@code
 * @actions/cache} 4.x does it (uploadUtils.ts: one Put Blob up to 128 MiB, else 64 MiB Put Blocks,
 * 8 at once) and restored (one GET). For each: wall seconds, MiB/s and the ratio to {@code cp},
 * the CPU seconds of this JVM and of the client (steadier than the wall on a loaded machine), and
 * this JVM's heap and resident memory at most meanwhile, and the JIT's compile time meanwhile. The
 * entry API is first warmed up, as a running one is: small artifacts of many small blocks until
 * the JIT is done with the request path ({@link #warmRequests}), then one upload and download of
 * another artifact of the same bytes, and a GetArtifact of it, deleted after. The upload figure
 * is the median of three, each after a {@code cp} measured the same way, whose median is the
 * figure it is compared with. Arguments: {@code megabytes} (1024).
 */
public final class ArtifactBench {
  private static final int BLOCK = 8 << 20;
  private static final int CONCURRENCY = 5;
  private static final int UPLOADS = 3;
  private static final long WARM_SIZE = 4L << 20;
  private static final int WARM_BLOCK = 16 << 10;
  private static final int WARM_ROUNDS = 40;
  private static final long WARM_QUIET_MILLIS = 100;
  private static final int CACHE_BLOCK = 64 << 20;
  private static final int CACHE_CONCURRENCY = 8;
  private static final long CACHE_SINGLE_SHOT = 128L << 20;

  private ArtifactBench() {}

  /** What one phase took. */
  private record Figure(
      String name,
      double seconds,
      double jvmCpu,
      double clientCpu,
      double compileSeconds,
      MemoryPeaks.Peak peak) {}

  /** A phase's work; returns the CPU seconds its client process used (0 for none). */
  private interface Phase {
    double run() throws Exception;
  }

  public static void main(String[] args) throws Exception {
    int megabytes = args.length > 0 ? Integer.parseInt(args[0]) : 1024;
    Path keys = Files.createTempFile("pw-bench-key", ".key");
    Files.writeString(keys, SecretKeys.newKeyLine("bench") + "\n");
    try (Installation pw = new Installation("artifacts", keys);
        MemoryPeaks memory = new MemoryPeaks()) {
      Path dir = Files.createDirectories(pw.workspaces.resolve("bench"));
      Path source = dir.resolve("source.bin");
      String sha = writeRandom(source, (long) megabytes << 20);
      long size = Files.size(source);
      Path copy = dir.resolve("copy.bin");

      UUID build =
          UUID.fromString(
              pw.start("on: push\njobs:\n  b:\n    runs-on: x\n    steps:\n      - run: 'true'\n"));
      String base = "http://127.0.0.1:" + pw.httpPort();
      CurlClient curl = new CurlClient(dir);
      ToolkitCalls job = new ToolkitCalls(base, keys, build, curl);
      // First, so that the files below are fresh when the phases read or delete them: page cache
      // left alone for a few seconds is paged out here (DAMON), and deleting it frees nothing.
      int warmRounds = warmRequests(job, curl, dir);
      CurlClient.Blocks blocks = curl.cut(source, BLOCK, UUID.randomUUID().toString());
      Path back = dir.resolve("downloaded.bin");

      job.uploadArtifact(blocks, CONCURRENCY, "warm", size, sha);
      job.downloadArtifact("warm", back);
      verify(back, sha);
      // GetArtifact's client and server too: the JIT compiled for 3-5 s in its phase without.
      getArtifact(pw, build, "warm", back);
      // Gone with its blob, so that the upload measured stores new content, as a build's artifact
      // does: the same content again is only hashed, its parts neither linked nor forced.
      job.deleteArtifact("warm");

      // The median of a few uploads, each of new content (the one before is deleted): a single
      // upload's time varied by a fifth from run to run here. cp goes just before each, so that
      // both find the machine alike (what was freed last, what is left to write back): cp alone at
      // the start, into memory freed long before, took 1.0-2.3 s here.
      List<Figure> copies = new ArrayList<>();
      List<Figure> uploads = new ArrayList<>();
      for (int i = UPLOADS - 1; i >= 0; i--) {
        copies.add(measure(memory, "cp + sync", () -> copy(source, copy)));
        Files.delete(copy);
        String name = i == 0 ? "big" : "big-" + i;
        uploads.add(
            measure(
                memory, "upload", () -> job.uploadArtifact(blocks, CONCURRENCY, name, size, sha)));
        if (i > 0) {
          job.deleteArtifact(name);
        }
      }
      Figure cp = median(copies);
      List<Figure> figures = new ArrayList<>(List.of(cp, median(uploads)));
      // Each download is checked after its phase: the check is the bench's, not the service's.
      figures.add(
          measureDownload(memory, back, "download", () -> job.downloadArtifact("big", back)));
      verify(back, sha);
      figures.add(
          measureDownload(
              memory,
              back,
              "GetArtifact",
              () -> {
                getArtifact(pw, build, "big", back);
                return 0;
              }));
      verify(back, sha);
      figures.add(
          measureDownload(
              memory,
              back,
              "HTTP route",
              () -> {
                double client =
                    curl.download(
                            base + "/builds/" + build + "/artifacts/big",
                            back,
                            "Authorization: Bearer " + pw.token)
                        .cpuSeconds();
                return client;
              }));
      verify(back, sha);
      CurlClient.Blocks cacheBlocks =
          size <= CACHE_SINGLE_SHOT
              ? null
              : curl.cut(source, CACHE_BLOCK, UUID.randomUUID().toString());
      // Another key each run of the bench, the version as the toolkit hashes it.
      String key = "bench-" + build;
      // The artifact goes with its blob just before, so that the cache is new content (the same
      // bytes stored already are only hashed) and the save finds memory freed a moment ago, as the
      // upload did after cp: in memory freed long before (this phase followed the downloads) it
      // used 3.8-6.7 CPU-s here, against 2.3-2.8.
      job.deleteArtifact("big");
      figures.add(
          measure(
              memory,
              "cache save",
              () -> job.saveCache(key, sha, source, cacheBlocks, CACHE_CONCURRENCY, size)));
      figures.add(
          measureDownload(memory, back, "cache restore", () -> job.restoreCache(key, sha, back)));
      verify(back, sha);
      print(
          figures,
          megabytes,
          warmRounds,
          cp.seconds(),
          size,
          memory.before,
          pw.workspaces.resolve("blobs"));
    } finally {
      Files.deleteIfExists(keys);
    }
  }

  /**
   * A download to {@code to}: the last download there goes just before, not when it was checked,
   * because memory this machine freed a while ago may be handed back to its host (free page
   * reporting in a VM) and cost a fault per page when touched again, which charged one download's
   * client (its writes) and not another's.
   */
  private static Figure measureDownload(MemoryPeaks memory, Path to, String name, Phase phase)
      throws Exception {
    Files.deleteIfExists(to);
    return measure(memory, name, phase);
  }

  private static Figure measure(MemoryPeaks memory, String name, Phase phase) throws Exception {
    // Each phase starts with nothing left to write back: the disk is the phase's own.
    TimedCommand.run(List.of("sync"));
    memory.take();
    long start = System.nanoTime();
    double cpuAt = cpu();
    long compiledAt = compileMillis();
    double client = phase.run();
    return new Figure(
        name,
        (System.nanoTime() - start) / 1e9,
        cpu() - cpuAt,
        client,
        (compileMillis() - compiledAt) / 1e3,
        memory.take());
  }

  private static Figure median(List<Figure> figures) {
    List<Figure> sorted = new ArrayList<>(figures);
    sorted.sort(Comparator.comparingDouble(Figure::seconds));
    return sorted.get(sorted.size() / 2);
  }

  /** {@code cp} of {@code source} to {@code to}, then {@code sync}; their CPU seconds. */
  private static double copy(Path source, Path to) throws Exception {
    // cp returns before its bytes are on disk; the blob store forces them: so does this.
    return TimedCommand.run(
            List.of(
                "sh", "-c", "cp \"$0\" \"$1\" && sync \"$1\"", source.toString(), to.toString()))
        .cpuSeconds();
  }

  /**
   * Uploads small artifacts of many small blocks until the JIT is done with the request path
   * (authentication, the rows, the block list): two rounds in a row compile for less than {@link
   * #WARM_QUIET_MILLIS}, or {@link #WARM_ROUNDS} passed. A running entry API compiled that path
   * long since; one warm-up upload of 128 blocks did not, and the JIT compiled for 0.4-1.4 s during
   * each upload measured after it. Returns the rounds taken.
   */
  private static int warmRequests(ToolkitCalls job, CurlClient curl, Path dir) throws Exception {
    Path small = dir.resolve("warm.bin");
    String sha = writeRandom(small, WARM_SIZE);
    CurlClient.Blocks blocks = curl.cut(small, WARM_BLOCK, UUID.randomUUID().toString());
    int rounds = 0;
    for (int quiet = 0; quiet < 2 && rounds < WARM_ROUNDS; rounds++) {
      long compiledAt = compileMillis();
      job.uploadArtifact(blocks, CONCURRENCY, "warm-" + rounds, WARM_SIZE, sha);
      job.deleteArtifact("warm-" + rounds);
      quiet = compileMillis() - compiledAt < WARM_QUIET_MILLIS ? quiet + 1 : 0;
    }
    return rounds;
  }

  /** Milliseconds this JVM's JIT compilers spent so far. */
  private static long compileMillis() {
    return ManagementFactory.getCompilationMXBean().getTotalCompilationTime();
  }

  private static void verify(Path file, String sha) throws Exception {
    if (!sha256(file).equals(sha)) {
      throw new IllegalStateException("the bytes of " + file + " differ");
    }
  }

  private static void print(
      List<Figure> figures,
      int megabytes,
      int warmRounds,
      double cpSeconds,
      long size,
      long residentBefore,
      Path root) {
    double mib = size / (double) (1 << 20);
    System.out.printf(
        Locale.ROOT,
        "%d MiB; artifact blocks of %d MiB, %d at once; cache %s; %d warm-up rounds; blob root"
            + " %s%n",
        megabytes,
        BLOCK >> 20,
        CONCURRENCY,
        size <= CACHE_SINGLE_SHOT
            ? "one Put Blob"
            : "blocks of " + (CACHE_BLOCK >> 20) + " MiB, " + CACHE_CONCURRENCY + " at once",
        warmRounds,
        root);
    System.out.printf(
        Locale.ROOT,
        "%-14s %7s %8s %6s %8s %8s %6s %9s %9s%n",
        "",
        "seconds",
        "MiB/s",
        "x cp",
        "JVM CPU",
        "client",
        "JIT",
        "heap MiB",
        "RSS MiB");
    for (Figure f : figures) {
      System.out.printf(
          Locale.ROOT,
          "%-14s %7.2f %8.1f %6.2f %8.2f %8.2f %6.2f %9d %9d%n",
          f.name(),
          f.seconds(),
          mib / f.seconds(),
          cpSeconds / f.seconds(),
          f.jvmCpu(),
          f.clientCpu(),
          f.compileSeconds(),
          f.peak().heap() >> 20,
          f.peak().resident() >> 20);
    }
    System.out.printf(
        Locale.ROOT,
        "CPU in seconds (JVM: the entry API, and GetArtifact's client; client: curl, or cp and"
            + " sync); JIT: the JVM's compile time, seconds; cp + sync and upload: the median of"
            + " %d; memory of the JVM at most, sampled every 100 ms (%d MiB resident before);"
            + " %d cores, load average %.1f%n",
        UPLOADS,
        residentBefore >> 20,
        Runtime.getRuntime().availableProcessors(),
        ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
  }

  /** GetArtifact's stream into {@code to}, as {@code pipewright artifacts --download} takes it. */
  private static void getArtifact(Installation pw, UUID build, String name, Path to)
      throws IOException {
    Iterator<GetArtifactResponse> responses =
        pw.stub.getArtifact(
            GetArtifactRequest.newBuilder().setBuildId(build.toString()).setName(name).build());
    responses.next(); // the metadata
    try (OutputStream out = Files.newOutputStream(to)) {
      while (responses.hasNext()) {
        responses.next().getData().writeTo(out);
      }
    }
  }

  /** Random (incompressible) bytes; their SHA-256. */
  private static String writeRandom(Path file, long size) throws Exception {
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    Random random = new Random(1);
    byte[] buffer = new byte[1 << 20];
    try (OutputStream out = Files.newOutputStream(file)) {
      for (long left = size; left > 0; left -= buffer.length) {
        random.nextBytes(buffer);
        int n = (int) Math.min(buffer.length, left);
        sha.update(buffer, 0, n);
        out.write(buffer, 0, n);
      }
    }
    return HexFormat.of().formatHex(sha.digest());
  }

  /** The SHA-256 of the file's bytes, in hex. */
  private static String sha256(Path file) throws Exception {
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    byte[] buffer = new byte[1 << 20];
    try (InputStream in = Files.newInputStream(file)) {
      int n;
      while ((n = in.read(buffer)) > 0) {
        sha.update(buffer, 0, n);
      }
    }
    return HexFormat.of().formatHex(sha.digest());
  }

  /** CPU seconds of this JVM so far: the entry API's and the client's, every thread. */
  private static double cpu() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
            .getProcessCpuTime()
        / 1e9;
  }
}
