package dev.pipewright.entryapi;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cache service with the real {@code @actions/cache} 4.x from npm, driven by a node script
 * (src/test/resources/caches/client.js) as actions/cache@v4 drives it with {@code
 * ACTIONS_CACHE_SERVICE_V2} (cache.ts saveCacheV2, restoreCacheV2): a cache saved by one build and
 * restored by the next by exact key and by restore-key prefix; GitHub's rules ("Cache key
 * matching", "Restrictions for accessing a cache", "Usage limits and eviction policy",
 * https://docs.github.com/en/actions/reference/workflows-and-actions/dependency-caching): another
 * version misses, a key is immutable, a branch reads its own caches and the default branch's, not
 * another repository's, and a repository over its cap loses its least recently used cache.
 */
class CacheServiceIT {
  static final String MAIN = ResultsServicesFixture.DEFAULT_REF;

  /** The cap of every repository here: three 1 MiB caches of random bytes are over it. */
  static final long CAP = 2_500_000;

  @TempDir static Path temp;
  static ResultsServicesFixture services;
  static Path nodeModules;

  @BeforeAll
  static void start() throws Exception {
    nodeModules = NodeClients.install(NodeClients.CACHE_PACKAGE, "cache-client");
    services = new ResultsServicesFixture(temp, CAP);
  }

  @AfterAll
  static void stop() throws Exception {
    if (services != null) {
      services.close();
    }
  }

  /** A new build's token for job {@code build} of {@code repo} at {@code ref}. */
  private static String token(String repo, String ref) {
    return services.tokens.issue(services.newBuild(), "build", repo, ref, Duration.ofHours(1));
  }

  /** A fresh workspace with {@code deps/a.txt} holding {@code content}. */
  private static Path workspace(String content) throws Exception {
    Path ws = Files.createDirectories(temp.resolve("ws-" + UUID.randomUUID()));
    Files.createDirectories(ws.resolve("deps"));
    Files.writeString(ws.resolve("deps/a.txt"), content);
    Files.createDirectories(ws.resolve("tmp"));
    return ws;
  }

  /** Which protocol the toolkit speaks: the v2 Twirp service, or the legacy REST API. */
  static boolean legacy;

  /** The variables a job gets (RuntimeServices), without the v2 switch for the legacy API. */
  private JsonNode node(String token, Path workspace, String... args) throws Exception {
    Map<String, String> env = new java.util.HashMap<>();
    env.put("ACTIONS_RUNTIME_TOKEN", token);
    env.put("ACTIONS_RESULTS_URL", services.baseUrl() + "/");
    env.put("ACTIONS_CACHE_URL", services.baseUrl() + "/");
    if (legacy) {
      env.put("CACHE_CHUNK_SIZE", Integer.toString(256 * 1024));
    } else {
      env.put("ACTIONS_CACHE_SERVICE_V2", "true");
    }
    env.put("RUNNER_TEMP", workspace.resolve("tmp").toString());
    return NodeClients.run("/caches/client.js", nodeModules, env, workspace, args);
  }

  private long save(String token, Path ws, String key, String... paths) throws Exception {
    List<String> args = new ArrayList<>(List.of("save", key));
    args.addAll(paths.length == 0 ? List.of("deps") : List.of(paths));
    JsonNode saved = node(token, ws, args.toArray(String[]::new));
    assertThat(saved.has("error")).as(saved.toString()).isFalse();
    return saved.get("cacheId").asLong();
  }

  /** The matched key, or null on a miss. */
  private String restore(String token, Path ws, String key, String... restoreKeysThenPaths)
      throws Exception {
    List<String> args = new ArrayList<>(List.of("restore", key));
    args.addAll(List.of(restoreKeysThenPaths));
    if (!args.contains("--")) {
      args.addAll(List.of("--", "deps"));
    }
    JsonNode restored = node(token, ws, args.toArray(String[]::new));
    assertThat(restored.has("error")).as(restored.toString()).isFalse();
    assertThat(restored.get("output").asText()).doesNotContain("::warning::");
    return restored.has("matchedKey") ? restored.get("matchedKey").asText() : null;
  }

  @Test
  void aCacheSavedByOneBuildIsRestoredByTheNextByKeyAndByRestoreKeyPrefix() throws Exception {
    String repo = "acme/restore";
    long id = save(token(repo, MAIN), workspace("v1 deps\n"), "deps-linux-abc");
    assertThat(id).isPositive();

    Path exact = workspace("stale\n");
    assertThat(restore(token(repo, MAIN), exact, "deps-linux-abc")).isEqualTo("deps-linux-abc");
    assertThat(exact.resolve("deps/a.txt")).hasContent("v1 deps");

    // A feature branch falls back to the default branch, by restore-key prefix.
    Path prefixed = workspace("stale\n");
    assertThat(
            restore(token(repo, "refs/heads/feature"), prefixed, "deps-linux-def", "deps-linux-"))
        .isEqualTo("deps-linux-abc");
    assertThat(prefixed.resolve("deps/a.txt")).hasContent("v1 deps");
    assertThat(restore(token(repo, MAIN), workspace("x"), "deps-windows", "deps-mac-")).isNull();
  }

  @Test
  void theLegacyApiSavesAndRestoresUnderTheSameRules() throws Exception {
    // cacheHttpClient.ts: reserve (POST caches), parallel PATCH chunks, commit (POST caches/<id>),
    // lookup (GET cache?keys=&version=), download of archiveLocation.
    legacy = true;
    try {
      String repo = "acme/legacy";
      Path ws = workspace("legacy deps\n");
      // Over four chunks of 256 KiB (random bytes do not compress), under the cap.
      byte[] random = new byte[1024 * 1024];
      new Random(7).nextBytes(random);
      Files.write(ws.resolve("deps/random.bin"), random);
      assertThat(save(token(repo, "refs/heads/feature"), ws, "legacy-linux-1")).isPositive();

      Path restored = workspace("stale\n");
      assertThat(restore(token(repo, "refs/heads/feature"), restored, "legacy-linux-2", "legacy-"))
          .isEqualTo("legacy-linux-1");
      assertThat(restored.resolve("deps/a.txt")).hasContent("legacy deps");
      assertThat(Files.readAllBytes(restored.resolve("deps/random.bin"))).isEqualTo(random);
      // The same scopes: the default branch does not see a feature branch's cache.
      assertThat(restore(token(repo, MAIN), workspace("x"), "legacy-linux-1")).isNull();
      // A key is saved once.
      JsonNode again =
          node(token(repo, "refs/heads/feature"), ws, "save", "legacy-linux-1", "deps");
      assertThat(again.get("cacheId").asLong()).isEqualTo(-1);
      // A chunk for an entry of another repository is refused: its id opens nothing.
      HttpResponse<String> patch =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(
                          URI.create(services.baseUrl() + "/_apis/artifactcache/caches/1"))
                      .header("Authorization", "Bearer " + token("evil/legacy", MAIN))
                      .header("Content-Range", "bytes 0-3/*")
                      .method("PATCH", HttpRequest.BodyPublishers.ofString("evil"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(patch.statusCode()).isEqualTo(404);
    } finally {
      legacy = false;
    }
  }

  @Test
  void anotherVersionMissesAndAFinalizedKeyIsImmutable() throws Exception {
    String repo = "acme/version";
    Path ws = workspace("original\n");
    Files.createDirectories(ws.resolve("other"));
    Files.writeString(ws.resolve("other/b.txt"), "other\n");
    assertThat(save(token(repo, MAIN), ws, "k")).isPositive();

    // The version hashes the paths (and compression): other paths, another version, a miss.
    assertThat(restore(token(repo, MAIN), workspace("x"), "k", "--", "other")).isNull();

    // A second save of the key is refused (409), which the toolkit reports without failing.
    Path changed = workspace("changed\n");
    JsonNode again = node(token(repo, MAIN), changed, "save", "k", "deps");
    assertThat(again.get("cacheId").asLong()).isEqualTo(-1);
    assertThat(again.get("output").asText()).contains("another job may be creating this cache");
    Path restored = workspace("x");
    assertThat(restore(token(repo, MAIN), restored, "k")).isEqualTo("k");
    assertThat(restored.resolve("deps/a.txt")).hasContent("original");
  }

  @Test
  void aBranchsCachesStayOnItAndAnotherRepositorysTokenReadsNothing() throws Exception {
    assertThat(save(token("acme/scoped", "refs/heads/feature"), workspace("f\n"), "k-f"))
        .isPositive();
    assertThat(restore(token("acme/scoped", "refs/heads/feature"), workspace("x"), "k-f"))
        .isEqualTo("k-f");
    assertThat(restore(token("acme/scoped", "refs/heads/other"), workspace("x"), "k-f")).isNull();
    assertThat(restore(token("acme/scoped", MAIN), workspace("x"), "k-f")).isNull();

    assertThat(save(token("acme/scoped", MAIN), workspace("m\n"), "k-m")).isPositive();
    assertThat(restore(token("evil/scoped", MAIN), workspace("x"), "k-m")).isNull();
    assertThat(restore(token("evil/scoped", MAIN), workspace("x"), "k", "k-")).isNull();
    // Not even its signed download URL: the lookup answers another repository nothing.
    HttpResponse<String> lookup =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create(
                            services.baseUrl()
                                + "/twirp/github.actions.results.api.v1.CacheService/"
                                + "GetCacheEntryDownloadURL"))
                    .header("Authorization", "Bearer " + token("evil/scoped", MAIN))
                    .header("Content-Type", "application/json")
                    .POST(
                        HttpRequest.BodyPublishers.ofString(
                            "{\"key\":\"k-m\",\"version\":\"" + "0".repeat(64) + "\"}"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(lookup.statusCode()).isEqualTo(200);
    assertThat(lookup.body()).isEqualTo("{\"ok\":false}");
  }

  @Test
  void aRepositoryOverItsCapLosesItsLeastRecentlyUsedCaches() throws Exception {
    String repo = "acme/big";
    byte[] random = new byte[1024 * 1024];
    for (String key : List.of("big-1", "big-2", "big-3")) {
      Path ws = workspace("");
      new Random(key.hashCode()).nextBytes(random);
      Files.write(ws.resolve("deps/random.bin"), random);
      assertThat(save(token(repo, MAIN), ws, key)).isPositive();
      if (key.equals("big-2")) {
        // big-1 restored after big-2 was saved: big-2 is now the least recently used.
        assertThat(restore(token(repo, MAIN), workspace("x"), "big-1")).isEqualTo("big-1");
      }
    }
    // Another repository's caches count against its own cap only.
    assertThat(save(token("acme/small", MAIN), workspace("s\n"), "small")).isPositive();

    assertThat(services.sweepAsAnotherReplica()).isEqualTo(1);
    assertThat(restore(token(repo, MAIN), workspace("x"), "big-2")).isNull();
    assertThat(restore(token(repo, MAIN), workspace("x"), "big-1")).isEqualTo("big-1");
    assertThat(restore(token(repo, MAIN), workspace("x"), "big-3")).isEqualTo("big-3");
    assertThat(restore(token("acme/small", MAIN), workspace("x"), "small")).isEqualTo("small");
  }
}
