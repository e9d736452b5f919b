package dev.pipewright.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pipewright.auth.RuntimeScope;
import dev.pipewright.auth.RuntimeTokens;
import dev.pipewright.secrets.SecretKeys;
import dev.pipewright.secrets.Signer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.UUID;

/**
 * What the toolkit's packages call for {@link ArtifactBench}, as one job of one build: the Twirp
 * calls of {@code @actions/artifact} and {@code @actions/cache} with the job's runtime token from
 * this JVM, the bytes through {@link CurlClient}. Each call that moves bytes returns the CPU
 * seconds curl used.
 */
final class ToolkitCalls {
  private static final String ARTIFACTS = "ArtifactService";
  private static final String CACHES = "CacheService";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private final String base;
  private final String token;
  private final String ids;
  private final CurlClient curl;

  /**
   * As job {@code b} of {@code build} of repository {@code bench/bench}, with a runtime token
   * signed by the first key of {@code keys}, against the entry API at {@code base}.
   */
  ToolkitCalls(String base, Path keys, UUID build, CurlClient curl) throws IOException {
    this.base = base;
    this.token =
        new RuntimeTokens(
                Signer.of(SecretKeys.load(keys), RuntimeTokens.PURPOSE), Clock.systemUTC())
            .issue(build, "b", "bench/bench", "refs/heads/main", Duration.ofHours(1));
    this.ids =
        "\"workflow_run_backend_id\":\""
            + build
            + "\",\"workflow_job_run_backend_id\":\""
            + RuntimeScope.jobBackendId(build, "b")
            + "\"";
    this.curl = curl;
  }

  /**
   * CreateArtifact, the blocks ({@code concurrency} at once), FinalizeArtifact with the size and
   * hash, as upload-artifact does.
   */
  double uploadArtifact(
      CurlClient.Blocks blocks, int concurrency, String name, long size, String sha)
      throws Exception {
    String url =
        twirp(ARTIFACTS, "CreateArtifact", "{" + ids + ",\"name\":\"" + name + "\",\"version\":4}")
            .get("signed_upload_url")
            .asText();
    double client = curl.putBlocks(blocks, url, concurrency).cpuSeconds();
    twirp(
        ARTIFACTS,
        "FinalizeArtifact",
        "{"
            + ids
            + ",\"name\":\""
            + name
            + "\",\"size\":\""
            + size
            + "\",\"hash\":\"sha256:"
            + sha
            + "\"}");
    return client;
  }

  /** GetSignedArtifactURL and one GET of it, as download-artifact does. */
  double downloadArtifact(String name, Path to) throws Exception {
    String url =
        twirp(ARTIFACTS, "GetSignedArtifactURL", "{" + ids + ",\"name\":\"" + name + "\"}")
            .get("signed_url")
            .asText();
    return curl.download(url, to).cpuSeconds();
  }

  /** DeleteArtifact: the artifact goes, and its blob with it when nothing else names it. */
  void deleteArtifact(String name) throws Exception {
    twirp(ARTIFACTS, "DeleteArtifact", "{" + ids + ",\"name\":\"" + name + "\"}");
  }

  /**
   * CreateCacheEntry, {@code source} as one Put Blob when {@code blocks} is null, else the blocks
   * ({@code concurrency} at once), FinalizeCacheEntryUpload, as {@code @actions/cache} 4.x does.
   */
  double saveCache(
      String key, String version, Path source, CurlClient.Blocks blocks, int concurrency, long size)
      throws Exception {
    String entry = entry(key, version);
    String url = twirp(CACHES, "CreateCacheEntry", entry + "}").get("signed_upload_url").asText();
    double client =
        blocks == null
            ? curl.putBlob(source, url).cpuSeconds()
            : curl.putBlocks(blocks, url, concurrency).cpuSeconds();
    twirp(CACHES, "FinalizeCacheEntryUpload", entry + ",\"size_bytes\":\"" + size + "\"}");
    return client;
  }

  /** GetCacheEntryDownloadURL and one GET of it, as a restore does. */
  double restoreCache(String key, String version, Path to) throws Exception {
    String url =
        twirp(CACHES, "GetCacheEntryDownloadURL", entry(key, version) + "}")
            .get("signed_download_url")
            .asText();
    return curl.download(url, to).cpuSeconds();
  }

  private static String entry(String key, String version) {
    return "{\"key\":\"" + key + "\",\"version\":\"" + version + "\"";
  }

  private JsonNode twirp(String service, String method, String body)
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
}
