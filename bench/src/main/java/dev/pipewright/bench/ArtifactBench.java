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
import java.lang.management.MemoryMXBean;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Artifact upload and download through the entry API's artifact service, the way {@code
 * @actions/artifact} moves bytes (8 MiB Put Blocks, 5 at once, then Put Block List; one GET down),
 * then Pipewright's own downloads with the API token: GetArtifact (gRPC, flow-controlled) and
 * {@code GET /builds/{id}/artifacts/{name}}; and a cache save and restore through the cache service
 * the way {@code @actions/cache} 4.x does (uploadUtils.ts: one Put Blob up to 128 MiB, else 64 MiB
 * Put Blocks, 8 at once; one GET down), against {@code cp} of the same file on the same disk; and
 * the CPU seconds of each (cp's and this JVM's: steadier than the wall on a loaded machine) and
 * the memory of this JVM meanwhile (the entry API and the client both run in it; the client reads
 * its blocks from the file 1 MiB at a time as it sends them).
 * Arguments: {@code megabytes} (1024).
 */
public final class ArtifactBench {
  private static final int BLOCK = 8 << 20;
  private static final int CONCURRENCY = 5;
  private static final int CACHE_BLOCK = 64 << 20;
  private static final int CACHE_CONCURRENCY = 8;
  private static final long CACHE_SINGLE_SHOT = 128L << 20;
  private static final String ARTIFACTS = "ArtifactService";
  private static final String CACHES = "CacheService";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private ArtifactBench() {}

  public static void main(String[] args) throws Exception {
    int megabytes = args.length > 0 ? Integer.parseInt(args[0]) : 1024;
    Path keys = Files.createTempFile("pw-bench-key", ".key");
    Files.writeString(keys, SecretKeys.newKeyLine("bench") + "\n");
    try (Installation pw = new Installation("artifacts", keys)) {
      Path dir = Files.createDirectories(pw.workspaces.resolve("bench"));
      Path source = dir.resolve("source.bin");
      String sha = writeRandom(source, (long) megabytes << 20);
      double cpSeconds = cp(source, dir.resolve("copy.bin"));

      UUID build =
          UUID.fromString(
              pw.start("on: push\njobs:\n  b:\n    runs-on: x\n    steps:\n      - run: 'true'\n"));
      String token =
          new RuntimeTokens(
                  Signer.of(SecretKeys.load(keys), RuntimeTokens.PURPOSE), Clock.systemUTC())
              .issue(build, "b", "bench/bench", "refs/heads/main", Duration.ofHours(1));
      String base = "http://127.0.0.1:" + pw.httpPort();
      String ids =
          "\"workflow_run_backend_id\":\""
              + build
              + "\",\"workflow_job_run_backend_id\":\""
              + RuntimeScope.jobBackendId(build, "b")
              + "\"";

      Memory memory = new Memory();
      long size = Files.size(source);
      String upload =
          twirp(
                  base,
                  token,
                  ARTIFACTS,
                  "CreateArtifact",
                  "{" + ids + ",\"name\":\"big\",\"version\":4}")
              .get("signed_upload_url")
              .asText();
      long start = System.nanoTime();
      double cpuAt = cpu();
      uploadBlocks(source, upload, BLOCK, CONCURRENCY);
      twirp(
          base,
          token,
          ARTIFACTS,
          "FinalizeArtifact",
          "{"
              + ids
              + ",\"name\":\"big\",\"size\":\""
              + size
              + "\",\"hash\":\"sha256:"
              + sha
              + "\"}");
      double upSeconds = (System.nanoTime() - start) / 1e9;
      double upCpu = cpu() - cpuAt;
      Memory.Peak up = memory.take();

      String download =
          twirp(base, token, ARTIFACTS, "GetSignedArtifactURL", "{" + ids + ",\"name\":\"big\"}")
              .get("signed_url")
              .asText();
      Path back = dir.resolve("downloaded.bin");
      start = System.nanoTime();
      cpuAt = cpu();
      download(HttpRequest.newBuilder(URI.create(download)), back, sha);
      double downSeconds = (System.nanoTime() - start) / 1e9;
      double downCpu = cpu() - cpuAt;
      Memory.Peak down = memory.take();
      Files.delete(back);

      // Pipewright's own access with the API token: GetArtifact over gRPC, then the HTTP route.
      start = System.nanoTime();
      cpuAt = cpu();
      getArtifact(pw, build, back);
      double grpcSeconds = (System.nanoTime() - start) / 1e9;
      double grpcCpu = cpu() - cpuAt;
      Memory.Peak grpc = memory.take();
      if (!sha256(back).equals(sha)) {
        throw new IllegalStateException("GetArtifact's bytes differ");
      }
      Files.delete(back);
      start = System.nanoTime();
      cpuAt = cpu();
      download(
          HttpRequest.newBuilder(URI.create(base + "/builds/" + build + "/artifacts/big"))
              .header("Authorization", "Bearer " + pw.token),
          back,
          sha);
      double routeSeconds = (System.nanoTime() - start) / 1e9;
      double routeCpu = cpu() - cpuAt;
      Memory.Peak route = memory.take();
      Files.delete(back);

      // The cache: another key each run of the bench, the version as the toolkit hashes it.
      String entry = "{\"key\":\"bench-" + build + "\",\"version\":\"" + sha + "\"";
      start = System.nanoTime();
      cpuAt = cpu();
      String cacheUpload =
          twirp(base, token, CACHES, "CreateCacheEntry", entry + "}")
              .get("signed_upload_url")
              .asText();
      if (size <= CACHE_SINGLE_SHOT) {
        putBlob(source, cacheUpload);
      } else {
        uploadBlocks(source, cacheUpload, CACHE_BLOCK, CACHE_CONCURRENCY);
      }
      twirp(
          base,
          token,
          CACHES,
          "FinalizeCacheEntryUpload",
          entry + ",\"size_bytes\":\"" + size + "\"}");
      double saveSeconds = (System.nanoTime() - start) / 1e9;
      double saveCpu = cpu() - cpuAt;
      Memory.Peak save = memory.take();
      start = System.nanoTime();
      cpuAt = cpu();
      String cacheDownload =
          twirp(base, token, CACHES, "GetCacheEntryDownloadURL", entry + "}")
              .get("signed_download_url")
              .asText();
      download(HttpRequest.newBuilder(URI.create(cacheDownload)), dir.resolve("restored.bin"), sha);
      double restoreSeconds = (System.nanoTime() - start) / 1e9;
      double restoreCpu = cpu() - cpuAt;
      Memory.Peak restore = memory.take();
      memory.close();

      double mib = size / (double) (1 << 20);
      System.out.printf(
          Locale.ROOT,
          "artifact of %d MiB, blocks of %d MiB, %d at once; blob root %s%n"
              + "cp:       %6.1f s  %7.1f MiB/s%n"
              + "upload:   %6.1f s  %7.1f MiB/s  (%.2f x cp; Put Blocks, Put Block List, Finalize)%n"
              + "download: %6.1f s  %7.1f MiB/s  (%.2f x cp; one GET, verified as it is read)%n"
              + "GetArtifact:   %6.1f s  %7.1f MiB/s  (%.2f x cp; gRPC stream to a file, API token)%n"
              + "HTTP route:    %6.1f s  %7.1f MiB/s  (%.2f x cp; GET /builds/{id}/artifacts/big)%n"
              + "cache save:    %6.1f s  %7.1f MiB/s  (%.2f x cp; %s, Create and Finalize)%n"
              + "cache restore: %6.1f s  %7.1f MiB/s  (%.2f x cp; lookup, one GET)%n"
              + "JVM (entry API + client) while uploading: resident %d MiB at most, heap %d MiB at"
              + " most; while downloading: resident %d MiB, heap %d MiB; GetArtifact: heap %d MiB;"
              + " HTTP route: heap %d MiB; saving the cache: %d MiB, %d MiB; restoring it: %d MiB,"
              + " %d MiB (sampled every 100 ms; %d MiB resident before)%n",
          megabytes,
          BLOCK >> 20,
          CONCURRENCY,
          pw.workspaces.resolve("blobs"),
          cpSeconds,
          mib / cpSeconds,
          upSeconds,
          mib / upSeconds,
          cpSeconds / upSeconds,
          downSeconds,
          mib / downSeconds,
          cpSeconds / downSeconds,
          grpcSeconds,
          mib / grpcSeconds,
          cpSeconds / grpcSeconds,
          routeSeconds,
          mib / routeSeconds,
          cpSeconds / routeSeconds,
          saveSeconds,
          mib / saveSeconds,
          cpSeconds / saveSeconds,
          size <= CACHE_SINGLE_SHOT
              ? "one Put Blob"
              : "Put Blocks of " + (CACHE_BLOCK >> 20) + " MiB, " + CACHE_CONCURRENCY + " at once",
          restoreSeconds,
          mib / restoreSeconds,
          cpSeconds / restoreSeconds,
          up.resident() >> 20,
          up.heap() >> 20,
          down.resident() >> 20,
          down.heap() >> 20,
          grpc.heap() >> 20,
          route.heap() >> 20,
          save.resident() >> 20,
          save.heap() >> 20,
          restore.resident() >> 20,
          restore.heap() >> 20,
          memory.before >> 20);
      System.out.printf(
          Locale.ROOT,
          "CPU seconds: cp + sync %.1f; this JVM (entry API and client) uploading %.1f,"
              + " downloading %.1f, GetArtifact %.1f, HTTP route %.1f, saving the cache %.1f,"
              + " restoring it %.1f; %d cores, load average %.1f%n",
          cpCpu,
          upCpu,
          downCpu,
          grpcCpu,
          routeCpu,
          saveCpu,
          restoreCpu,
          Runtime.getRuntime().availableProcessors(),
          ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    } finally {
      Files.deleteIfExists(keys);
    }
  }

  /** One GET of a signed URL to {@code file}, checked against {@code sha}. */
  private static void download(HttpRequest.Builder request, Path file, String sha)
      throws Exception {
    HttpResponse<Path> got = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofFile(file));
    if (got.statusCode() != 200 || !sha256(file).equals(sha)) {
      throw new IllegalStateException("download failed or differs: HTTP " + got.statusCode());
    }
  }

  /** Put Blob: the whole file in one PUT, streamed from disk. */
  private static void putBlob(Path source, String url) throws Exception {
    HttpResponse<String> r =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(url))
                .header("x-ms-blob-type", "BlockBlob")
                .PUT(HttpRequest.BodyPublishers.ofFile(source))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 201) {
      throw new IllegalStateException("Put Blob: " + r.statusCode() + " " + r.body());
    }
  }

  /** Put Block for each {@code block} bytes of the file, {@code concurrency} at once, then List. */
  private static void uploadBlocks(Path source, String url, int blockSize, int concurrency)
      throws Exception {
    long size = Files.size(source);
    List<String> ids = new ArrayList<>();
    List<Future<?>> puts = new ArrayList<>();
    ExecutorService pool = Executors.newFixedThreadPool(concurrency);
    try (FileChannel in = FileChannel.open(source, StandardOpenOption.READ)) {
      for (long offset = 0, n = 0; offset < size; offset += blockSize, n++) {
        String id = Base64.getEncoder().encodeToString(String.format("%08d", n).getBytes());
        ids.add(id);
        long at = offset;
        puts.add(
            pool.submit(
                () -> {
                  HttpResponse<String> r =
                      HTTP.send(
                          HttpRequest.newBuilder(
                                  URI.create(
                                      url
                                          + "&comp=block&blockid="
                                          + java.net.URLEncoder.encode(id, "UTF-8")))
                              .PUT(range(in, at, Math.min(blockSize, size - at)))
                              .build(),
                          HttpResponse.BodyHandlers.ofString());
                  if (r.statusCode() != 201) {
                    throw new IllegalStateException(
                        "Put Block: " + r.statusCode() + " " + r.body());
                  }
                  return null;
                }));
        // At most `concurrency` blocks in flight, as the toolkit's BufferScheduler keeps.
        if (puts.size() >= concurrency) {
          puts.remove(0).get();
        }
      }
      for (Future<?> f : puts) {
        f.get();
      }
    } finally {
      pool.shutdown();
    }
    StringBuilder xml = new StringBuilder("<?xml version=\"1.0\" encoding=\"utf-8\"?><BlockList>");
    ids.forEach(id -> xml.append("<Latest>").append(id).append("</Latest>"));
    HttpResponse<String> r =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(url + "&comp=blocklist"))
                .PUT(HttpRequest.BodyPublishers.ofString(xml.append("</BlockList>").toString()))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 201) {
      throw new IllegalStateException("Put Block List: " + r.statusCode() + " " + r.body());
    }
  }

  /**
   * {@code length} bytes of {@code file} from {@code offset}, read 1 MiB at a time as the request
   * takes them: this client's memory stays out of the entry API's figures (a publisher of one array
   * copies it whole, and 8 blocks of 64 MiB at once are a heap).
   */
  private static HttpRequest.BodyPublisher range(FileChannel file, long offset, long length) {
    Iterable<byte[]> chunks =
        () ->
            new Iterator<>() {
              private long done;

              @Override
              public boolean hasNext() {
                return done < length;
              }

              @Override
              public byte[] next() {
                ByteBuffer chunk = ByteBuffer.allocate((int) Math.min(1 << 20, length - done));
                try {
                  while (chunk.hasRemaining()) {
                    if (file.read(chunk, offset + done + chunk.position()) < 0) {
                      throw new java.io.EOFException("the file ended early");
                    }
                  }
                } catch (IOException e) {
                  throw new java.io.UncheckedIOException(e);
                }
                done += chunk.capacity();
                return chunk.array();
              }
            };
    return HttpRequest.BodyPublishers.fromPublisher(
        HttpRequest.BodyPublishers.ofByteArrays(chunks), length);
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

  private static JsonNode twirp(
      String base, String token, String service, String method, String body)
      throws IOException, InterruptedException {
    HttpResponse<String> r =
        HTTP.send(
            HttpRequest.newBuilder(
                    URI.create(
                        base + "/twirp/github.actions.results.api.v1." + service + "/" + method))
                .header("Authorization", "Bearer " + token)
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

  /**
   * The CPU seconds {@code cp} and {@code sync} took, user and system, as the shell counts them.
   */
  private static double cpCpu;

  private static double cp(Path from, Path to) throws Exception {
    long start = System.nanoTime();
    // cp returns before its bytes are on disk; the blob store forces them: so does this. The
    // shell's `times` prints its children's user and system time on its second line.
    Process p =
        new ProcessBuilder(
                "sh",
                "-c",
                "cp \"$1\" \"$2\" && sync \"$2\" && times",
                "sh",
                from.toString(),
                to.toString())
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    List<String> times = new String(p.getInputStream().readAllBytes()).lines().toList();
    if (p.waitFor() != 0 || times.size() < 2) {
      throw new IllegalStateException("cp failed");
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    cpCpu = 0;
    for (String t : times.get(1).strip().split("\\s+")) {
      java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d+)m([\\d.]+)s").matcher(t);
      if (m.matches()) {
        cpCpu += Integer.parseInt(m.group(1)) * 60 + Double.parseDouble(m.group(2));
      }
    }
    Files.delete(to);
    return seconds;
  }

  /** CPU seconds of this JVM so far: the entry API's and the client's, every thread. */
  private static double cpu() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
            .getProcessCpuTime()
        / 1e9;
  }

  /** The highest resident and heap figures sampled since the last {@link #take}. */
  private static final class Memory implements AutoCloseable {
    record Peak(long resident, long heap) {}

    final long before = StepFloodBench.residentBytes("VmRSS");
    private final AtomicLong resident = new AtomicLong();
    private final AtomicLong heap = new AtomicLong();
    private final MemoryMXBean bean = ManagementFactory.getMemoryMXBean();
    private final ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();

    Memory() {
      sampler.scheduleAtFixedRate(
          () -> {
            resident.accumulateAndGet(StepFloodBench.residentBytes("VmRSS"), Math::max);
            heap.accumulateAndGet(bean.getHeapMemoryUsage().getUsed(), Math::max);
          },
          0,
          100,
          TimeUnit.MILLISECONDS);
    }

    Peak take() {
      return new Peak(resident.getAndSet(0), heap.getAndSet(0));
    }

    @Override
    public void close() {
      sampler.shutdownNow();
    }
  }
}
