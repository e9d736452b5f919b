package dev.pipewright.entryapi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pipewright.auth.RuntimeScope;
import dev.pipewright.auth.RuntimeTokens;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The artifact service with the real {@code @actions/artifact} 2.x from npm, driven by a node
 * script (src/test/resources/artifacts/client.js) as upload-artifact@v4 and download-artifact@v4
 * drive it: upload in several blocks, list, download by name, delete; and what it refuses: another
 * build's token, a tampered signed URL, a wrong hash.
 */
class ArtifactServiceIT {
  static final ObjectMapper JSON = new ObjectMapper();
  static Path nodeModules;

  @TempDir static Path temp;
  static ResultsServicesFixture services;
  static ApiFixture fx;
  static RuntimeTokens tokens;
  static final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void start() throws Exception {
    nodeModules = NodeClients.install(NodeClients.ARTIFACT_PACKAGE, "artifact-client");
    services = new ResultsServicesFixture(temp, 1L << 30);
    fx = services.fx;
    tokens = services.tokens;
  }

  @AfterAll
  static void stop() throws Exception {
    if (services != null) {
      services.close();
    }
  }

  private static UUID newBuild() {
    return services.newBuild();
  }

  private static String token(UUID build, String job) {
    return tokens.issue(build, job, "acme/app", "refs/heads/main", Duration.ofHours(1));
  }

  private String baseUrl() {
    return services.baseUrl();
  }

  /** Runs client.js with {@code token}; the parsed RESULT line. */
  private JsonNode node(String token, Path workspace, String... args) throws Exception {
    return NodeClients.runArtifactClient(nodeModules, baseUrl(), token, workspace, args);
  }

  /** {@code n} random (incompressible) bytes, the same for the same seed. */
  static byte[] random(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  @Test
  void theToolkitUploadsListsDownloadsAndDeletesAnArtifactOfSeveralBlocks() throws Exception {
    UUID build = newBuild();
    String uploader = token(build, "build");
    Path workspace = Files.createDirectories(temp.resolve("ws-" + build));
    Path dist = Files.createDirectories(workspace.resolve("dist/sub"));
    // Random bytes do not compress: the zip is over two of the client's 8 MiB blocks.
    byte[] big = random(20 * 1024 * 1024, 1);
    Files.write(workspace.resolve("dist/big.bin"), big);
    Files.writeString(workspace.resolve("dist/a.txt"), "hello\n");
    Files.writeString(dist.resolve("c.txt"), "nested\n");
    List<Path> blobsBefore = blobFiles();

    JsonNode uploaded =
        node(
            uploader,
            workspace,
            "upload",
            "bundle",
            workspace.resolve("dist").toString(),
            workspace.resolve("dist/big.bin").toString(),
            workspace.resolve("dist/a.txt").toString(),
            dist.resolve("c.txt").toString());
    assertThat(uploaded.has("error")).as(uploaded.toString()).isFalse();
    assertThat(uploaded.get("size").asLong()).isGreaterThan(16L * 1024 * 1024);
    // Its blocks' parts were joined into the blob and discarded.
    try (var parts = Files.list(temp.resolve("blobs/parts"))) {
      assertThat(parts.toList()).as("staged parts after the upload").isEmpty();
    }

    // Another job of the same build lists and downloads it by name.
    String downloader = token(build, "deploy");
    JsonNode listed = node(downloader, workspace, "list");
    assertThat(listed.get("artifacts")).hasSize(1);
    JsonNode artifact = listed.get("artifacts").get(0);
    assertThat(artifact.get("name").asText()).isEqualTo("bundle");
    assertThat(artifact.get("size").asLong()).isEqualTo(uploaded.get("size").asLong());
    assertThat(artifact.get("digest").asText())
        .isEqualTo("sha256:" + uploaded.get("digest").asText());

    Path out = temp.resolve("out-" + build);
    JsonNode downloaded = node(downloader, workspace, "download", "bundle", out.toString());
    assertThat(downloaded.has("error")).as(downloaded.toString()).isFalse();
    assertThat(downloaded.get("digestMismatch").asBoolean()).isFalse();
    assertThat(Files.readAllBytes(out.resolve("big.bin"))).isEqualTo(big);
    assertThat(out.resolve("a.txt")).hasContent("hello");
    assertThat(out.resolve("sub/c.txt")).hasContent("nested");

    // Finalized means immutable: the same name cannot be uploaded again.
    JsonNode again =
        node(
            uploader,
            workspace,
            "upload",
            "bundle",
            workspace.resolve("dist").toString(),
            workspace.resolve("dist/a.txt").toString());
    assertThat(again.get("error").asText()).contains("409");

    JsonNode deleted = node(downloader, workspace, "delete", "bundle");
    assertThat(deleted.get("id").asLong()).isEqualTo(artifact.get("id").asLong());
    assertThat(node(downloader, workspace, "list").get("artifacts")).isEmpty();
    // Its blob is gone with it.
    assertThat(blobFiles()).as("blobs after the delete").isEqualTo(blobsBefore);
  }

  private static List<Path> blobFiles() throws IOException {
    Files.createDirectories(temp.resolve("blobs/sha256"));
    try (var blobs = Files.walk(temp.resolve("blobs/sha256"))) {
      return blobs.filter(Files::isRegularFile).sorted().toList();
    }
  }

  @Test
  void aTokenOfAnotherBuildIsRefusedAndSeesNothing() throws Exception {
    UUID a = newBuild();
    UUID b = newBuild();
    Path workspace = Files.createDirectories(temp.resolve("ws-" + a));
    Files.writeString(workspace.resolve("f.txt"), "a's\n");
    assertThat(
            node(
                    token(a, "build"),
                    workspace,
                    "upload",
                    "only-a",
                    workspace.toString(),
                    workspace.resolve("f.txt").toString())
                .has("error"))
        .isFalse();

    // The toolkit with b's token finds nothing of a's.
    assertThat(node(token(b, "build"), workspace, "list").get("artifacts")).isEmpty();
    // b's token naming a's build is refused outright; so is no token and a forged one.
    String askForA =
        "{\"workflow_run_backend_id\":\"" + a + "\",\"workflow_job_run_backend_id\":\"x\"}";
    HttpResponse<String> refused = twirp("ListArtifacts", token(b, "build"), askForA);
    assertThat(refused.statusCode()).isEqualTo(403);
    assertThat(JSON.readTree(refused.body()).get("code").asText()).isEqualTo("permission_denied");
    assertThat(twirp("ListArtifacts", null, askForA).statusCode()).isEqualTo(401);
    String forged = token(a, "build");
    forged = forged.substring(0, forged.length() - 4) + "AAAA";
    assertThat(twirp("ListArtifacts", forged, askForA).statusCode()).isEqualTo(401);
  }

  @Test
  void aTamperedOrWrongSignedUrlIsRefused() throws Exception {
    UUID build = newBuild();
    String token = token(build, "build");
    Path workspace = Files.createDirectories(temp.resolve("ws-" + build));
    Files.writeString(workspace.resolve("f.txt"), "signed\n");
    assertThat(
            node(
                    token,
                    workspace,
                    "upload",
                    "signed",
                    workspace.toString(),
                    workspace.resolve("f.txt").toString())
                .has("error"))
        .isFalse();
    String ids = ids(build);
    String url = signedUrl(token, ids, "signed");
    HttpResponse<byte[]> ok = get(url, null);
    assertThat(ok.statusCode()).isEqualTo(200);
    JsonNode listed = JSON.readTree(twirp("ListArtifacts", token, "{" + ids + "}").body());
    assertThat("sha256:" + sha256(ok.body()))
        .isEqualTo(listed.get("artifacts").get(0).get("digest").asText());
    HttpResponse<byte[]> range = get(url, "bytes=2-5");
    assertThat(range.statusCode()).isEqualTo(206);
    assertThat(range.body()).isEqualTo(java.util.Arrays.copyOfRange(ok.body(), 2, 6));

    long id = listed.get("artifacts").get(0).get("database_id").asLong();
    String otherId = url.replace("/blob/" + id + "?", "/blob/" + (id + 1) + "?");
    String later = url.replaceFirst("se=(\\d+)", "se=9$1");
    String badSig = url.replaceFirst("sig=.", "sig=" + (url.contains("sig=A") ? "B" : "A"));
    String asWrite = url.replace("sp=r", "sp=w");
    String unsigned = url.substring(0, url.indexOf('?'));
    for (String tampered : List.of(otherId, later, badSig, asWrite, unsigned)) {
      HttpResponse<byte[]> r = get(tampered, null);
      assertThat(r.statusCode()).as(tampered).isEqualTo(403);
      assertThat(new String(r.body(), StandardCharsets.UTF_8)).contains("AuthenticationFailed");
    }
    // A read URL does not write.
    HttpResponse<String> put =
        http.send(
            HttpRequest.newBuilder(URI.create(url + "&comp=block&blockid=AAAA"))
                .PUT(HttpRequest.BodyPublishers.ofString("x"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(put.statusCode()).isEqualTo(403);
  }

  @Test
  void aFinalizeWithAnotherHashOrSizeIsRefused() throws Exception {
    UUID build = newBuild();
    String token = token(build, "build");
    String ids = ids(build);
    String url = createArtifact(token, ids, "h");
    // Put Block again with the same id replaces the block (Azure keeps the latest).
    assertThat(putBlock(url, "QUFBQQ==", "stale bytes").statusCode()).isEqualTo(201);
    assertThat(putBlock(url, "QUFBQQ==", "content").statusCode()).isEqualTo(201);
    assertThat(putBlockList(url, "QUFBQQ==").statusCode()).isEqualTo(201);
    // The replaced block's part went when it was replaced, the other with the commit.
    try (var parts = Files.list(temp.resolve("blobs/parts"))) {
      assertThat(parts.toList()).as("staged parts after the commit").isEmpty();
    }

    HttpResponse<String> wrongHash =
        twirp(
            "FinalizeArtifact",
            token,
            "{"
                + ids
                + ",\"name\":\"h\",\"size\":\"7\",\"hash\":\"sha256:"
                + "0".repeat(64)
                + "\"}");
    assertThat(wrongHash.statusCode()).isEqualTo(400);
    assertThat(wrongHash.body()).contains("hashes to sha256:");
    HttpResponse<String> wrongSize =
        twirp("FinalizeArtifact", token, "{" + ids + ",\"name\":\"h\",\"size\":\"8\"}");
    assertThat(wrongSize.statusCode()).isEqualTo(400);
    String sha = sha256("content".getBytes(StandardCharsets.UTF_8));
    HttpResponse<String> right =
        twirp(
            "FinalizeArtifact",
            token,
            "{" + ids + ",\"name\":\"h\",\"size\":\"7\",\"hash\":\"sha256:" + sha + "\"}");
    assertThat(right.statusCode()).as(right.body()).isEqualTo(200);
    // Immutable once finalized: no more blocks.
    assertThat(putBlock(url, "QkJCQg==", "more").statusCode()).isEqualTo(409);
  }

  @Test
  void aDamagedArtifactIsNeverDownloadedWhole() throws Exception {
    UUID build = newBuild();
    String token = token(build, "build");
    String ids = ids(build);
    // More than one chunk of the blob store's verified copy.
    Path blob = uploadOneBlock(token, ids, "d", "z".repeat(3 << 20) + "end");
    // The joined blob's one part, damaged in its last byte on disk.
    Path part = blob.resolve("000000");
    byte[] damaged = Files.readAllBytes(part);
    damaged[damaged.length - 1] = 'X';
    Files.write(part, damaged);

    String download = signedUrl(token, ids, "d");
    // The response stops short of its Content-Length, which the client reports as an error.
    assertThatThrownBy(() -> get(download, null)).isInstanceOf(IOException.class);
  }

  /**
   * An artifact whose bytes the blob store lost is an error response saying so, not a connection
   * closed without one: the blob is looked up before the status is sent.
   */
  @Test
  void anArtifactWhoseBlobIsGoneIsAnErrorResponse() throws Exception {
    UUID build = newBuild();
    String token = token(build, "build");
    String ids = ids(build);
    Path blob = uploadOneBlock(token, ids, "g", "gone soon");
    try (var parts = Files.list(blob)) {
      for (Path part : parts.toList()) {
        Files.delete(part);
      }
    }
    Files.delete(blob);

    HttpResponse<byte[]> lost = get(signedUrl(token, ids, "g"), null);
    assertThat(lost.statusCode()).isEqualTo(500);
    assertThat(new String(lost.body(), StandardCharsets.UTF_8))
        .contains("the content sha256:" + blob.getFileName() + " is missing from the blob store");
  }

  /**
   * CreateArtifact {@code name}, {@code content} as its one block, FinalizeArtifact; the joined
   * blob's directory in the blob root.
   */
  private Path uploadOneBlock(String token, String ids, String name, String content)
      throws Exception {
    String url = createArtifact(token, ids, name);
    assertThat(putBlock(url, "QUFBQQ==", content).statusCode()).isEqualTo(201);
    assertThat(putBlockList(url, "QUFBQQ==").statusCode()).isEqualTo(201);
    String finalize =
        "{" + ids + ",\"name\":\"" + name + "\",\"size\":\"" + content.length() + "\"}";
    assertThat(twirp("FinalizeArtifact", token, finalize).statusCode()).isEqualTo(200);
    String sha = sha256(content.getBytes(StandardCharsets.UTF_8));
    return temp.resolve("blobs/sha256").resolve(sha.substring(0, 2)).resolve(sha);
  }

  /** CreateArtifact {@code name} (version 4, as upload-artifact@v4); its signed upload URL. */
  private String createArtifact(String token, String ids, String name) throws Exception {
    return JSON.readTree(
            twirp("CreateArtifact", token, "{" + ids + ",\"name\":\"" + name + "\",\"version\":4}")
                .body())
        .get("signed_upload_url")
        .asText();
  }

  /** GetSignedArtifactURL of {@code name}: its signed download URL. */
  private String signedUrl(String token, String ids, String name) throws Exception {
    return JSON.readTree(
            twirp("GetSignedArtifactURL", token, "{" + ids + ",\"name\":\"" + name + "\"}").body())
        .get("signed_url")
        .asText();
  }

  private static String sha256(byte[] content) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
  }

  /** The toolkit's ids of the build's job "build", as a JSON fragment. */
  private static String ids(UUID build) {
    return "\"workflow_run_backend_id\":\""
        + build
        + "\",\"workflow_job_run_backend_id\":\""
        + RuntimeScope.jobBackendId(build, "build")
        + "\"";
  }

  private HttpResponse<String> putBlockList(String url, String blockId)
      throws IOException, InterruptedException {
    String list = "<?xml version=\"1.0\"?><BlockList><Latest>" + blockId + "</Latest></BlockList>";
    return http.send(
        HttpRequest.newBuilder(URI.create(url + "&comp=blocklist"))
            .PUT(HttpRequest.BodyPublishers.ofString(list))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> putBlock(String url, String blockId, String body)
      throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(
                URI.create(
                    url
                        + "&comp=block&blockid="
                        + java.net.URLEncoder.encode(blockId, StandardCharsets.UTF_8)))
            .PUT(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> twirp(String method, String token, String json)
      throws IOException, InterruptedException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(
                URI.create(
                    baseUrl() + "/twirp/github.actions.results.api.v1.ArtifactService/" + method))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<byte[]> get(String url, String range)
      throws IOException, InterruptedException {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).GET();
    if (range != null) {
      request.header("Range", range);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
  }
}
