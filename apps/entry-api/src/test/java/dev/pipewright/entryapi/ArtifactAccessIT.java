package dev.pipewright.entryapi;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.rpc.ErrorInfo;
import dev.pipewright.api.ci.v1.Artifact;
import dev.pipewright.api.ci.v1.GetArtifactRequest;
import dev.pipewright.api.ci.v1.GetArtifactResponse;
import dev.pipewright.api.ci.v1.GetBuildRequest;
import dev.pipewright.api.ci.v1.ListArtifactsRequest;
import dev.pipewright.api.ci.v1.PipelineServiceGrpc;
import dev.pipewright.auth.IssuedToken;
import dev.pipewright.auth.Role;
import dev.pipewright.blobs.DirectoryBlobStore;
import dev.pipewright.blobs.StoredBlob;
import dev.pipewright.entryapi.artifacts.ArtifactAccess;
import dev.pipewright.store.ArtifactRepository;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pipewright's own access to artifacts, on the machine's PostgreSQL: an artifact uploaded by the
 * real {@code @actions/artifact} (as upload-artifact@v4 does, see ArtifactServiceIT) is in
 * GetBuild, ListArtifacts, streamed by GetArtifact and served by {@code GET
 * /builds/{id}/artifacts/{name}}, all for read tokens only; unknown, unfinished and expired
 * artifacts are refused with a status that says which.
 */
class ArtifactAccessIT {
  @TempDir static Path temp;
  static Path nodeModules;
  static ResultsServicesFixture services;
  static ApiFixture fx;
  static IssuedToken reader;
  static IssuedToken revoked;
  static final HttpClient http = HttpClient.newHttpClient();

  static UUID build;
  static JsonNode uploaded;
  static byte[] big;

  @BeforeAll
  static void start() throws Exception {
    nodeModules = NodeClients.install(NodeClients.ARTIFACT_PACKAGE, "artifact-client");
    services = new ResultsServicesFixture(temp, 1L << 30);
    fx = services.fx;
    reader = fx.tokens.create("artifact-reader", Role.READ);
    revoked = fx.tokens.create("artifact-gone", Role.ADMIN);
    fx.tokens.revoke("artifact-gone");

    build = services.newBuild();
    Path workspace = Files.createDirectories(temp.resolve("ws"));
    // Random bytes do not compress: the zip spans several GetArtifact chunks.
    big = new byte[3 * ArtifactStream.CHUNK];
    new Random(3).nextBytes(big);
    Files.write(workspace.resolve("big.bin"), big);
    Files.writeString(workspace.resolve("a.txt"), "hello\n");
    uploaded =
        NodeClients.runArtifactClient(
            nodeModules,
            services.baseUrl(),
            services.tokens.issue(
                build,
                "build",
                "acme/app",
                ResultsServicesFixture.DEFAULT_REF,
                Duration.ofHours(1)),
            workspace,
            "upload",
            "bundle",
            workspace.toString(),
            workspace.resolve("big.bin").toString(),
            workspace.resolve("a.txt").toString());
    assertThat(uploaded.has("error")).as(uploaded.toString()).isFalse();
  }

  @AfterAll
  static void stop() throws Exception {
    if (services != null) {
      services.close();
    }
  }

  private static PipelineServiceGrpc.PipelineServiceBlockingStub as(IssuedToken token) {
    PipelineServiceGrpc.PipelineServiceBlockingStub stub =
        PipelineServiceGrpc.newBlockingStub(fx.channel);
    return token == null ? stub : stub.withInterceptors(ApiFixture.bearer(token));
  }

  private static GetArtifactRequest get(UUID b, String name) {
    return GetArtifactRequest.newBuilder().setBuildId(b.toString()).setName(name).build();
  }

  private static String sha256(byte[] bytes) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }

  private static HttpResponse<byte[]> download(UUID b, String name, IssuedToken token, String range)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(
            URI.create(
                "http://127.0.0.1:"
                    + fx.api.httpPort()
                    + "/builds/"
                    + b
                    + "/artifacts/"
                    + name.replace(" ", "%20")));
    if (token != null) {
      request.header("Authorization", "Bearer " + token.token().reveal());
    }
    if (range != null) {
      request.header("Range", range);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  private static void assertNamesInZip(byte[] zip) throws Exception {
    try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
      java.util.Map<String, byte[]> files = new java.util.HashMap<>();
      for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
        files.put(e.getName(), in.readAllBytes());
      }
      assertThat(files).containsOnlyKeys("big.bin", "a.txt");
      assertThat(files.get("big.bin")).isEqualTo(big);
    }
  }

  @Test
  void getBuildAndListArtifactsShowTheUploadedArtifact() {
    Artifact listed =
        as(reader)
            .listArtifacts(ListArtifactsRequest.newBuilder().setBuildId(build.toString()).build())
            .getArtifacts(0);
    assertThat(listed.getName()).isEqualTo("bundle");
    assertThat(listed.getSize()).isEqualTo(uploaded.get("size").asLong());
    assertThat(listed.getSha256()).isEqualTo(uploaded.get("digest").asText());
    assertThat(listed.getJobKey()).isEqualTo("build");
    // upload-artifact's retention-days (client.js asks for 1) decides the expiry.
    assertThat(listed.getExpireTime().getSeconds() - listed.getCreateTime().getSeconds())
        .isBetween(Duration.ofHours(23).toSeconds(), Duration.ofHours(25).toSeconds());

    assertThat(
            as(reader)
                .getBuild(GetBuildRequest.newBuilder().setBuildId(build.toString()).build())
                .getArtifactsList())
        .containsExactly(listed);
  }

  @Test
  void getArtifactStreamsMetadataThenTheStoredZipInChunks() throws Exception {
    Iterator<GetArtifactResponse> responses = as(reader).getArtifact(get(build, "bundle"));
    Artifact meta = responses.next().getArtifact();
    assertThat(meta.getName()).isEqualTo("bundle");
    ByteArrayOutputStream content = new ByteArrayOutputStream();
    int chunks = 0;
    while (responses.hasNext()) {
      GetArtifactResponse r = responses.next();
      assertThat(r.getPartCase()).isEqualTo(GetArtifactResponse.PartCase.DATA);
      assertThat(r.getData().size()).isLessThanOrEqualTo(ArtifactStream.CHUNK);
      r.getData().writeTo(content);
      chunks++;
    }
    assertThat(chunks).isGreaterThan(3);
    assertThat((long) content.size()).isEqualTo(meta.getSize());
    assertThat(sha256(content.toByteArray())).isEqualTo(meta.getSha256());
    assertNamesInZip(content.toByteArray());
  }

  @Test
  void theHttpRouteServesTheBytesWithLengthHashAndRanges() throws Exception {
    HttpResponse<byte[]> whole = download(build, "bundle", reader, null);
    assertThat(whole.statusCode()).isEqualTo(200);
    String sha = uploaded.get("digest").asText();
    assertThat(whole.headers().firstValue("Content-Length"))
        .hasValue(Long.toString(uploaded.get("size").asLong()));
    assertThat(whole.headers().firstValue("ETag")).hasValue("\"" + sha + "\"");
    assertThat(whole.headers().firstValue("X-Pipewright-Sha256")).hasValue(sha);
    assertThat(sha256(whole.body())).isEqualTo(sha);
    assertNamesInZip(whole.body());

    HttpResponse<byte[]> part = download(build, "bundle", reader, "bytes=10-19");
    assertThat(part.statusCode()).isEqualTo(206);
    assertThat(part.body()).isEqualTo(java.util.Arrays.copyOfRange(whole.body(), 10, 20));
    assertThat(part.headers().firstValue("Content-Range"))
        .hasValue("bytes 10-19/" + whole.body().length);
  }

  @Test
  void withoutALiveTokenNothingIsListedStreamedOrDownloaded() throws Exception {
    for (IssuedToken token : new IssuedToken[] {null, revoked}) {
      assertThat(
              EntryApiIT.catchStatus(
                      () ->
                          as(token)
                              .listArtifacts(
                                  ListArtifactsRequest.newBuilder()
                                      .setBuildId(build.toString())
                                      .build()))
                  .getStatus()
                  .getCode())
          .isEqualTo(Status.Code.UNAUTHENTICATED);
      assertThat(
              EntryApiIT.catchStatus(() -> as(token).getArtifact(get(build, "bundle")).next())
                  .getStatus()
                  .getCode())
          .isEqualTo(Status.Code.UNAUTHENTICATED);
      assertThat(download(build, "bundle", token, null).statusCode()).isEqualTo(401);
    }
    // The role table gives the new methods to readers, the smallest role there is.
    assertThat(MethodRoles.needed(PipelineServiceGrpc.getGetArtifactMethod().getFullMethodName()))
        .hasValue(Role.READ);
    assertThat(MethodRoles.needed(PipelineServiceGrpc.getListArtifactsMethod().getFullMethodName()))
        .hasValue(Role.READ);
  }

  @Test
  void unknownBuildsAndArtifactsAreNotFoundWithDetails() throws Exception {
    UUID nobody = UUID.randomUUID();
    StatusRuntimeException noBuild =
        EntryApiIT.catchStatus(() -> as(reader).getArtifact(get(nobody, "bundle")).next());
    assertThat(noBuild.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
    assertThat(noBuild.getStatus().getDescription()).contains(nobody.toString());
    StatusRuntimeException noArtifact =
        EntryApiIT.catchStatus(() -> as(reader).getArtifact(get(build, "nothing")).next());
    assertThat(noArtifact.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
    assertThat(noArtifact.getStatus().getDescription()).contains("no artifact named nothing");
    assertThat(errorReason(noArtifact)).isEqualTo("NOT_FOUND");
    assertThat(
            EntryApiIT.catchStatus(
                    () ->
                        as(reader)
                            .listArtifacts(
                                ListArtifactsRequest.newBuilder()
                                    .setBuildId(nobody.toString())
                                    .build()))
                .getStatus()
                .getCode())
        .isEqualTo(Status.Code.NOT_FOUND);

    assertThat(download(nobody, "bundle", reader, null).statusCode()).isEqualTo(404);
    HttpResponse<byte[]> missing = download(build, "nothing", reader, null);
    assertThat(missing.statusCode()).isEqualTo(404);
    assertThat(new String(missing.body())).contains("no artifact named nothing");
  }

  @Test
  void artifactsBeingUploadedOrExpiredAreRefusedWithAClearStatus() throws Exception {
    UUID b = services.newBuild();
    ArtifactRepository rows = new ArtifactRepository(fx.database.dsl());
    rows.create(b, "build", "half done", Instant.now().plus(Duration.ofDays(1)));
    // An expired artifact the sweep has not deleted yet.
    StoredBlob blob =
        new DirectoryBlobStore(temp.resolve("blobs"))
            .put(new ByteArrayInputStream("old".getBytes()), Optional.empty());
    long old =
        rows.create(b, "build", "old", Instant.now().minus(Duration.ofHours(1))).artifact().id();
    rows.commit(old, blob.sha256(), blob.size(), sha -> true);
    rows.finalize(old, blob.sha256());

    StatusRuntimeException uploading =
        EntryApiIT.catchStatus(() -> as(reader).getArtifact(get(b, "half done")).next());
    assertThat(uploading.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
    assertThat(uploading.getStatus().getDescription()).contains("still being uploaded");
    StatusRuntimeException expired =
        EntryApiIT.catchStatus(() -> as(reader).getArtifact(get(b, "old")).next());
    assertThat(expired.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
    assertThat(expired.getStatus().getDescription()).contains("expired at");
    assertThat(download(b, "half done", reader, null).statusCode()).isEqualTo(409);
    assertThat(download(b, "old", reader, null).statusCode()).isEqualTo(409);
    // Neither is listed.
    assertThat(
            as(reader)
                .listArtifacts(ListArtifactsRequest.newBuilder().setBuildId(b.toString()).build())
                .getArtifactsList())
        .isEmpty();
  }

  /** Content the blob store lost is DATA_LOSS over gRPC and a 500 over HTTP, each saying so. */
  @Test
  void anArtifactWhoseContentIsLostSaysSoOverGrpcAndHttp() throws Exception {
    UUID b = services.newBuild();
    ArtifactRepository rows = new ArtifactRepository(fx.database.dsl());
    String sha = "0".repeat(64);
    long lost =
        rows.create(b, "build", "lost", Instant.now().plus(Duration.ofDays(1))).artifact().id();
    rows.commit(lost, sha, 3, s -> true);
    rows.finalize(lost, sha);

    StatusRuntimeException streamed =
        EntryApiIT.catchStatus(() -> as(reader).getArtifact(get(b, "lost")).next());
    assertThat(streamed.getStatus().getCode()).isEqualTo(Status.Code.DATA_LOSS);
    assertThat(streamed.getStatus().getDescription()).isEqualTo(ArtifactAccess.missingContent(sha));
    HttpResponse<byte[]> downloaded = download(b, "lost", reader, null);
    assertThat(downloaded.statusCode()).isEqualTo(500);
    assertThat(new String(downloaded.body())).contains(ArtifactAccess.missingContent(sha));
  }

  private static String errorReason(StatusRuntimeException e) throws Exception {
    com.google.rpc.Status status = StatusProto.fromThrowable(e);
    return status.getDetails(0).unpack(ErrorInfo.class).getReason();
  }
}
