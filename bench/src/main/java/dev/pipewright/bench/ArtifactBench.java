package dev.pipewright.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pipewright.api.ci.v1.GetArtifactRequest;
import dev.pipewright.api.ci.v1.GetArtifactResponse;
import dev.pipewright.auth.RuntimeScope;
import dev.pipewright.auth.RuntimeTokens;
import dev.pipewright.e2e.Installation;
import dev.pipewright.secrets.SecretKeys;
import dev.pipewright.secrets.Signer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
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
 * another artifact of the same bytes, deleted after. The upload figure is the median of three,
 * each after a {@code cp} measured the same way, whose median is the figure it is compared with.
 * Arguments: {@code megabytes} (1024).
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
  private static final String ARTIFACTS = "ArtifactService";
  private static final String CACHES = "CacheService";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

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

  /** The build and job token the toolkit's calls carry, and the URLs they go to. */
  private record Job(String base, String token, String ids) {}

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
      String token =
          new RuntimeTokens(
                  Signer.of(SecretKeys.load(keys), RuntimeTokens.PURPOSE), Clock.systemUTC())
              .issue(build, "b", "bench/bench", "refs/heads/main", Duration.ofHours(1));
      Job job =
          new Job(
              "http://127.0.0.1:" + pw.httpPort(),
              token,
              "\"workflow_run_backend_id\":\""
                  + build
                  + "\",\"workflow_job_run_backend_id\":\""
                  + RuntimeScope.jobBackendId(build, "b")
                  + "\"");
      CurlClient curl = new CurlClient(dir);
      // First, so that the files below are fresh when the phases read or delete them: page cache
      // left alone for a few seconds is paged out here (DAMON), and deleting it frees nothing.
      int warmRounds = warmRequests(job, curl, dir);
      CurlClient.Blocks blocks = curl.cut(source, BLOCK, UUID.randomUUID().toString());
      Path back = dir.resolve("downloaded.bin");

      uploadArtifact(job, curl, blocks, "warm", size, sha);
      downloadArtifact(job, curl, "warm", back);
      verify(back, sha);
      // Gone with its blob, so that the upload measured stores new content, as a build's artifact
      // does: the same content again is only hashed, its parts neither linked nor forced.
      deleteArtifact(job, "warm");

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
            measure(memory, "upload", () -> uploadArtifact(job, curl, blocks, name, size, sha)));
        if (i > 0) {
          deleteArtifact(job, name);
        }
      }
      Figure cp = median(copies);
      List<Figure> figures = new ArrayList<>(List.of(cp, median(uploads)));
      // Each download is checked after its phase: the check is the bench's, not the service's.
      figures.add(
          measureDownload(
              memory, back, "download", () -> downloadArtifact(job, curl, "big", back)));
      verify(back, sha);
      figures.add(
          measureDownload(
              memory,
              back,
              "GetArtifact",
              () -> {
                getArtifact(pw, build, back);
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
                            job.base() + "/builds/" + build + "/artifacts/big",
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
      String entry = "{\"key\":\"bench-" + build + "\",\"version\":\"" + sha + "\"";
      // The artifact goes with its blob just before, so that the cache is new content (the same
      // bytes stored already are only hashed) and the save finds memory freed a moment ago, as the
      // upload did after cp: in memory freed long before (this phase followed the downloads) it
      // used 3.8-6.7 CPU-s here, against 2.3-2.8.
      deleteArtifact(job, "big");
      figures.add(
          measure(
              memory,
              "cache save",
              () -> {
                String url =
                    twirp(job, CACHES, "CreateCacheEntry", entry + "}")
                        .get("signed_upload_url")
                        .asText();
                double client =
                    cacheBlocks == null
                        ? curl.putBlob(source, url).cpuSeconds()
                        : curl.putBlocks(cacheBlocks, url, CACHE_CONCURRENCY).cpuSeconds();
                twirp(
                    job,
                    CACHES,
                    "FinalizeCacheEntryUpload",
                    entry + ",\"size_bytes\":\"" + size + "\"}");
                return client;
              }));
      figures.add(
          measureDownload(
              memory,
              back,
              "cache restore",
              () -> {
                String url =
                    twirp(job, CACHES, "GetCacheEntryDownloadURL", entry + "}")
                        .get("signed_download_url")
                        .asText();
                return curl.download(url, back).cpuSeconds();
              }));
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
  private static int warmRequests(Job job, CurlClient curl, Path dir) throws Exception {
    Path small = dir.resolve("warm.bin");
    String sha = writeRandom(small, WARM_SIZE);
    CurlClient.Blocks blocks = curl.cut(small, WARM_BLOCK, UUID.randomUUID().toString());
    int rounds = 0;
    for (int quiet = 0; quiet < 2 && rounds < WARM_ROUNDS; rounds++) {
      long compiledAt = compileMillis();
      uploadArtifact(job, curl, blocks, "warm-" + rounds, WARM_SIZE, sha);
      deleteArtifact(job, "warm-" + rounds);
      quiet = compileMillis() - compiledAt < WARM_QUIET_MILLIS ? quiet + 1 : 0;
    }
    return rounds;
  }

  /** Milliseconds this JVM's JIT compilers spent so far. */
  private static long compileMillis() {
    return ManagementFactory.getCompilationMXBean().getTotalCompilationTime();
  }

  /**
   * CreateArtifact, the blocks, FinalizeArtifact with the size and hash, as upload-artifact does.
   */
  private static double uploadArtifact(
      Job job, CurlClient curl, CurlClient.Blocks blocks, String name, long size, String sha)
      throws Exception {
    String url =
        twirp(
                job,
                ARTIFACTS,
                "CreateArtifact",
                "{" + job.ids() + ",\"name\":\"" + name + "\",\"version\":4}")
            .get("signed_upload_url")
            .asText();
    double client = curl.putBlocks(blocks, url, CONCURRENCY).cpuSeconds();
    twirp(
        job,
        ARTIFACTS,
        "FinalizeArtifact",
        "{"
            + job.ids()
            + ",\"name\":\""
            + name
            + "\",\"size\":\""
            + size
            + "\",\"hash\":\"sha256:"
            + sha
            + "\"}");
    return client;
  }

  private static void deleteArtifact(Job job, String name) throws Exception {
    twirp(job, ARTIFACTS, "DeleteArtifact", "{" + job.ids() + ",\"name\":\"" + name + "\"}");
  }

  /** GetSignedArtifactURL and one GET of it, as download-artifact does. */
  private static double downloadArtifact(Job job, CurlClient curl, String name, Path to)
      throws Exception {
    String url =
        twirp(
                job,
                ARTIFACTS,
                "GetSignedArtifactURL",
                "{" + job.ids() + ",\"name\":\"" + name + "\"}")
            .get("signed_url")
            .asText();
    return curl.download(url, to).cpuSeconds();
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
  private static void getArtifact(Installation pw, UUID build, Path to) throws IOException {
    Iterator<GetArtifactResponse> responses =
        pw.stub.getArtifact(
            GetArtifactRequest.newBuilder().setBuildId(build.toString()).setName("big").build());
    responses.next(); // the metadata
    try (OutputStream out = Files.newOutputStream(to)) {
      while (responses.hasNext()) {
        responses.next().getData().writeTo(out);
      }
    }
  }

  private static JsonNode twirp(Job job, String service, String method, String body)
      throws IOException, InterruptedException {
    HttpResponse<String> r =
        HTTP.send(
            HttpRequest.newBuilder(
                    URI.create(
                        job.base()
                            + "/twirp/github.actions.results.api.v1."
                            + service
                            + "/"
                            + method))
                .header("Authorization", "Bearer " + job.token())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IllegalStateException(method + ": " + r.statusCode() + " " + r.body());
    }
    return JSON.readTree(r.body());
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
