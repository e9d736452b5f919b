package dev.pipewright.bench;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

/**
 * The bench's HTTP client for the bytes: {@code curl} processes, so that the entry API's JVM does
 * the server's work only (the toolkit's client runs in the job's Node.js, not in the entry API) and
 * the client's CPU is counted apart. Uploads send blocks the way the toolkit's blob client does
 * ({@code BlockBlobClient.uploadStream}: fixed-size blocks named by {@code generateBlockID}, at
 * most so many at once, then Put Block List); the blocks are cut into files first, as the toolkit
 * holds each in a buffer before it sends it.
 */
final class CurlClient {
  private final Path scratch;

  CurlClient(Path scratch) {
    this.scratch = scratch;
  }

  /** A file cut into blocks: their files and ids, in order. */
  record Blocks(List<Path> files, List<String> ids) {}

  /**
   * Cuts {@code source} into blocks of {@code blockSize}, named as @azure/storage-blob's {@code
   * generateBlockID(uuid, i)} names them: base64 of the uuid and {@code i} zero-padded to 48
   * characters in all.
   */
  Blocks cut(Path source, int blockSize, String prefix) throws IOException {
    Path dir = Files.createDirectories(scratch.resolve("blocks-" + prefix));
    List<Path> files = new ArrayList<>();
    List<String> ids = new ArrayList<>();
    try (InputStream in = Files.newInputStream(source)) {
      byte[] block;
      while ((block = in.readNBytes(blockSize)).length > 0) {
        String raw = String.format(Locale.ROOT, "%s%012d", prefix, files.size());
        ids.add(Base64.getEncoder().encodeToString(raw.getBytes(StandardCharsets.US_ASCII)));
        files.add(
            Files.write(dir.resolve(String.format(Locale.ROOT, "%06d", files.size())), block));
      }
    }
    return new Blocks(files, ids);
  }

  /** Put Block of each block, {@code concurrency} at once, then Put Block List. */
  TimedCommand.Result putBlocks(Blocks blocks, String url, int concurrency) throws Exception {
    List<String> curl =
        new ArrayList<>(
            List.of(
                "curl",
                "-sS",
                "--no-progress-meter",
                "--parallel",
                "--parallel-max",
                Integer.toString(concurrency),
                "-w",
                "%{http_code}\\n"));
    for (int i = 0; i < blocks.files().size(); i++) {
      curl.addAll(
          List.of(
              "-T",
              blocks.files().get(i).toString(),
              "-o",
              "/dev/null",
              url
                  + "&comp=block&blockid="
                  + java.net.URLEncoder.encode(blocks.ids().get(i), "UTF-8")));
    }
    TimedCommand.Result staged = TimedCommand.run(curl);
    check("Put Block", staged, "201");
    StringBuilder xml = new StringBuilder("<?xml version=\"1.0\" encoding=\"utf-8\"?><BlockList>");
    blocks.ids().forEach(id -> xml.append("<Latest>").append(id).append("</Latest>"));
    Path list = Files.writeString(scratch.resolve("blocklist.xml"), xml.append("</BlockList>"));
    TimedCommand.Result committed =
        TimedCommand.run(
            List.of(
                "curl",
                "-sS",
                "-X",
                "PUT",
                "--data-binary",
                "@" + list,
                "-o",
                "/dev/null",
                "-w",
                "%{http_code}\\n",
                url + "&comp=blocklist"));
    check("Put Block List", committed, "201");
    return new TimedCommand.Result(
        staged.seconds() + committed.seconds(), staged.cpuSeconds() + committed.cpuSeconds(), "");
  }

  /** Put Blob: the whole file in one PUT. */
  TimedCommand.Result putBlob(Path source, String url) throws Exception {
    TimedCommand.Result put =
        TimedCommand.run(
            List.of(
                "curl",
                "-sS",
                "-T",
                source.toString(),
                "-H",
                "x-ms-blob-type: BlockBlob",
                "-o",
                "/dev/null",
                "-w",
                "%{http_code}\\n",
                url));
    check("Put Blob", put, "201");
    return put;
  }

  /** One GET of {@code url} to {@code to}, with {@code headers} ("Name: value"). */
  TimedCommand.Result download(String url, Path to, String... headers) throws Exception {
    List<String> curl =
        new ArrayList<>(List.of("curl", "-sS", "-o", to.toString(), "-w", "%{http_code}\\n"));
    for (String h : headers) {
      curl.addAll(List.of("-H", h));
    }
    curl.add(url);
    TimedCommand.Result got = TimedCommand.run(curl);
    check("GET", got, "200");
    return got;
  }

  private static void check(String what, TimedCommand.Result result, String status) {
    if (!result.output().lines().allMatch(status::equals) || result.output().isBlank()) {
      throw new IllegalStateException(what + " answered " + result.output().strip());
    }
  }
}
