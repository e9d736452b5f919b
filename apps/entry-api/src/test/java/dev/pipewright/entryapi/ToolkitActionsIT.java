package dev.pipewright.entryapi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pipewright.api.ci.v1.StartPipelineBuildRequest;
import dev.pipewright.executor.JobRef;
import dev.pipewright.executor.RepositoryRef;
import dev.pipewright.pipeline.worker.RuntimeTokenIssuer;
import dev.pipewright.secrets.SecretKeys;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The fixture actions of tests/action-fixtures, bundled from the real {@code @actions/artifact}
 * 2.3.2 and {@code @actions/cache} 4.1.0 as upload-artifact@v4, download-artifact@v4 and
 * actions/cache/save and restore@v4 bundle them, run by {@link NodeActionRunner} as actions/runner
 * runs a node20 action, with what a job of a stored build gets: the runtime token and URLs from
 * {@link RuntimeTokenIssuer} (the worker's), and the runner's variables. Against the entry API's
 * HTTP side on loopback and a real PostgreSQL: upload in one job and download in a dependent job,
 * by name and all; a cache saved in one build restored by the next by exact key, by restore-key
 * prefix and from the default branch's scope, with both protocols of @actions/cache; a repository
 * over its cache cap losing its least recently used cache; a token of one build refused for
 * another's artifacts.
 *
 * <p>The same actions as {@code uses:} steps of workflows on every host (the parity suite) follow
 * once the engine runs JavaScript actions; these tests pin the services' side of the protocol.
 */
class ToolkitActionsIT {
  private static final String REPO = "acme/toolkit";
  private static final String MAIN = ResultsServicesFixture.DEFAULT_REF;
  private static final String TWO_JOBS =
      """
      on: push
      jobs:
        produce:
          runs-on: ubuntu-latest
          steps:
            - run: make
        consume:
          needs: produce
          runs-on: ubuntu-latest
          steps:
            - run: test
      """;

  /** The cache cap per repository: two 1 MiB caches of random bytes fit, three do not. */
  private static final long CAP = 2_500_000;

  @TempDir static Path temp;
  static ResultsServicesFixture services;
  static RuntimeTokenIssuer issuer;
  static NodeActionRunner upload;
  static NodeActionRunner download;
  static NodeActionRunner save;
  static NodeActionRunner restore;

  @BeforeAll
  static void start() throws Exception {
    services = new ResultsServicesFixture(temp, CAP);
    issuer = RuntimeTokenIssuer.of(SecretKeys.load(services.keyFile), services.baseUrl() + "/");
    Path actions = temp.resolve("actions");
    upload = NodeActionRunner.of("upload-artifact", actions);
    download = NodeActionRunner.of("download-artifact", actions);
    save = NodeActionRunner.of("cache-save", actions);
    restore = NodeActionRunner.of("cache-restore", actions);
  }

  @AfterAll
  static void stop() throws Exception {
    if (services != null) {
      services.close();
    }
  }

  /** A stored build of {@link #TWO_JOBS}. */
  private static UUID build() {
    return UUID.fromString(
        services
            .fx
            .stub
            .startPipelineBuild(
                StartPipelineBuildRequest.newBuilder()
                    .setPipelineId(EntryApiIT.pipeline())
                    .setWorkflowYaml(TWO_JOBS)
                    .setWorkflowPath(".github/workflows/ci.yml")
                    .build())
            .getBuildId());
  }

  /** A job's workspace and temporary directory, and its variables. */
  private record Job(Path workspace, Map<String, String> env) {}

  /**
   * Job {@code key} of {@code build} on {@code repo} at {@code ref}: the runner's variables
   * ("Default environment variables") and the worker's runtime services.
   */
  private static Job job(UUID build, String key, String repo, String ref, boolean cacheV2)
      throws Exception {
    Path root =
        Files.createDirectories(
            temp.resolve("jobs").resolve(build + "-" + key + "-" + UUID.randomUUID()));
    Path workspace = Files.createDirectories(root.resolve("workspace"));
    Map<String, String> env = new LinkedHashMap<>();
    env.put("CI", "true");
    env.put("GITHUB_ACTIONS", "true");
    env.put("GITHUB_REPOSITORY", repo);
    env.put("GITHUB_REPOSITORY_OWNER", repo.substring(0, repo.indexOf('/')));
    env.put("GITHUB_REF", ref);
    env.put("GITHUB_SHA", "0123456789abcdef0123456789abcdef01234567");
    env.put("GITHUB_EVENT_NAME", "push");
    env.put("GITHUB_RUN_ID", build.toString());
    env.put("GITHUB_JOB", key);
    env.put("GITHUB_WORKSPACE", workspace.toString());
    env.put("RUNNER_OS", "Linux");
    env.put("RUNNER_ARCH", "X64");
    env.put("RUNNER_TEMP", Files.createDirectories(root.resolve("temp")).toString());
    env.put("RUNNER_TOOL_CACHE", Files.createDirectories(root.resolve("tools")).toString());
    env.putAll(
        issuer
            .forJob(new JobRef(build.toString(), key), new RepositoryRef(null, repo, ref, null))
            .env());
    if (!cacheV2) {
      env.remove("ACTIONS_CACHE_SERVICE_V2");
    }
    return new Job(workspace, env);
  }

  private static Job job(UUID build, String key) throws Exception {
    return job(build, key, REPO, MAIN, true);
  }

  private static NodeActionRunner.Result run(NodeActionRunner action, Job job, String... with)
      throws Exception {
    Map<String, String> inputs = new LinkedHashMap<>();
    for (int i = 0; i < with.length; i += 2) {
      inputs.put(with[i], with[i + 1]);
    }
    return action.run(job.env(), job.workspace(), inputs);
  }

  private static NodeActionRunner.Result succeeds(NodeActionRunner action, Job job, String... with)
      throws Exception {
    NodeActionRunner.Result result = run(action, job, with);
    assertThat(result.succeeded()).as(result.log()).isTrue();
    assertThat(result.log()).as(result.log()).doesNotContain("::warning::", "::error::");
    return result;
  }

  @Test
  void anArtifactUploadedInOneJobIsDownloadedInADependentJobByNameAndAll() throws Exception {
    UUID build = build();
    Job produce = job(build, "produce");
    Path dist = Files.createDirectories(produce.workspace().resolve("dist/sub"));
    Files.writeString(dist.resolve("../a.txt"), "made by produce\n");
    // Over two of the toolkit's 8 MiB blocks: Put Block several times, then Put Block List.
    byte[] big = ArtifactServiceIT.random(20 << 20, 1);
    Files.write(dist.resolve("big.bin"), big);
    Files.writeString(produce.workspace().resolve("notes.txt"), "notes\n");

    NodeActionRunner.Result uploaded =
        succeeds(upload, produce, "name", "dist", "path", "dist/", "retention-days", "1");
    assertThat(uploaded.outputs().get("artifact-id")).matches("\\d+");
    assertThat(uploaded.outputs().get("artifact-digest")).matches("[0-9a-f]{64}");
    assertThat(uploaded.log()).contains("there will be 2 files uploaded");
    succeeds(upload, produce, "name", "notes", "path", "notes.txt");

    Job consume = job(build, "consume");
    NodeActionRunner.Result byName = succeeds(download, consume, "name", "dist", "path", "by-name");
    Path byNamePath = consume.workspace().resolve("by-name");
    assertThat(byName.outputs()).containsEntry("download-path", byNamePath.toString());
    assertThat(byNamePath.resolve("a.txt")).hasContent("made by produce");
    assertThat(Files.readAllBytes(byNamePath.resolve("sub/big.bin"))).isEqualTo(big);

    // No name: every artifact of the build, each in a directory of its name.
    succeeds(download, consume, "path", "all");
    Path all = consume.workspace().resolve("all");
    assertThat(all.resolve("dist/a.txt")).hasContent("made by produce");
    assertThat(Files.readAllBytes(all.resolve("dist/sub/big.bin"))).isEqualTo(big);
    assertThat(all.resolve("notes/notes.txt")).hasContent("notes");
  }

  @Test
  void aTokenOfOneBuildIsRefusedForAnotherBuildsArtifacts() throws Exception {
    UUID a = build();
    Job produce = job(a, "produce");
    Files.writeString(produce.workspace().resolve("secret.txt"), "a's\n");
    succeeds(upload, produce, "name", "only-a", "path", "secret.txt");

    UUID b = build();
    Job snoop = job(b, "consume");
    NodeActionRunner.Result missing = run(download, snoop, "name", "only-a", "path", "got");
    assertThat(missing.succeeded()).as(missing.log()).isFalse();
    assertThat(missing.log()).contains("::error::").contains("only-a");
    assertThat(snoop.workspace().resolve("got")).doesNotExist();
    assertThat(succeeds(download, snoop, "path", "all").log())
        .contains("Total of 0 artifact(s) downloaded");
    assertThat(snoop.workspace().resolve("all")).doesNotExist();

    // b's token naming a's build outright (the toolkit takes the ids from its own token).
    HttpResponse<String> refused =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create(
                            services.baseUrl()
                                + "/twirp/github.actions.results.api.v1.ArtifactService/ListArtifacts"))
                    .header("Authorization", "Bearer " + snoop.env().get("ACTIONS_RUNTIME_TOKEN"))
                    .header("Content-Type", "application/json")
                    .POST(
                        HttpRequest.BodyPublishers.ofString(
                            "{\"workflow_run_backend_id\":\""
                                + a
                                + "\",\"workflow_job_run_backend_id\":\"x\"}"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(refused.statusCode()).isEqualTo(403);

    Job again = job(a, "consume");
    succeeds(download, again, "name", "only-a", "path", "got");
    assertThat(again.workspace().resolve("got/secret.txt")).hasContent("a's");
  }

  /** A job of a new build on {@code ref} with {@code deps/} holding {@code content}. */
  private static Job cacheJob(String repo, String ref, boolean v2, String content)
      throws Exception {
    Job job = job(build(), "produce", repo, ref, v2);
    Files.createDirectories(job.workspace().resolve("deps"));
    Files.writeString(job.workspace().resolve("deps/a.txt"), content);
    return job;
  }

  @ParameterizedTest(name = "ACTIONS_CACHE_SERVICE_V2 {0}")
  @ValueSource(booleans = {true, false})
  void aCacheSavedByOneBuildIsRestoredByTheNextByKeyByPrefixAndFromTheDefaultBranch(boolean v2)
      throws Exception {
    String repo = "acme/cache-" + (v2 ? "v2" : "v1");
    Job saver = cacheJob(repo, MAIN, v2, "v1 deps\n");
    // Several legacy chunks (actions/cache's upload-chunk-size): random bytes do not compress.
    Files.write(saver.workspace().resolve("deps/random.bin"), ArtifactServiceIT.random(1 << 20, 2));
    NodeActionRunner.Result saved =
        succeeds(save, saver, "key", "deps-linux-1", "path", "deps", "upload-chunk-size", "262144");
    assertThat(saved.log()).contains("Cache saved with key: deps-linux-1");

    Job exact = cacheJob(repo, MAIN, v2, "stale\n");
    NodeActionRunner.Result hit = succeeds(restore, exact, "key", "deps-linux-1", "path", "deps");
    assertThat(hit.outputs())
        .containsEntry("cache-hit", "true")
        .containsEntry("cache-primary-key", "deps-linux-1")
        .containsEntry("cache-matched-key", "deps-linux-1");
    assertThat(exact.workspace().resolve("deps/a.txt")).hasContent("v1 deps");
    assertThat(Files.readAllBytes(exact.workspace().resolve("deps/random.bin")))
        .isEqualTo(ArtifactServiceIT.random(1 << 20, 2));

    // A feature branch reads the default branch's caches: by prefix, and by exact key.
    Job prefix = cacheJob(repo, "refs/heads/feature", v2, "stale\n");
    NodeActionRunner.Result partial =
        succeeds(
            restore,
            prefix,
            "key",
            "deps-linux-2",
            "restore-keys",
            "deps-windows-\ndeps-linux-\n",
            "path",
            "deps");
    assertThat(partial.outputs())
        .containsEntry("cache-hit", "false")
        .containsEntry("cache-matched-key", "deps-linux-1");
    assertThat(prefix.workspace().resolve("deps/a.txt")).hasContent("v1 deps");
    Job fallback = cacheJob(repo, "refs/heads/feature", v2, "stale\n");
    assertThat(succeeds(restore, fallback, "key", "deps-linux-1", "path", "deps").outputs())
        .containsEntry("cache-hit", "true");

    // A miss is an output, not a failure; fail-on-cache-miss makes it one.
    Job miss = cacheJob(repo, MAIN, v2, "mine\n");
    NodeActionRunner.Result missed =
        succeeds(restore, miss, "key", "deps-mac-1", "restore-keys", "deps-mac-", "path", "deps");
    assertThat(missed.outputs()).containsEntry("cache-hit", "false");
    assertThat(missed.outputs()).doesNotContainKey("cache-matched-key");
    assertThat(miss.workspace().resolve("deps/a.txt")).hasContent("mine");
    NodeActionRunner.Result failed =
        run(restore, miss, "key", "deps-mac-1", "path", "deps", "fail-on-cache-miss", "true");
    assertThat(failed.succeeded()).isFalse();
    assertThat(failed.log()).contains("::error::Failed to restore cache entry.");
  }

  @Test
  void aRepositoryOverItsCapLosesTheLeastRecentlyUsedCache() throws Exception {
    String repo = "acme/evict";
    for (int i = 1; i <= 3; i++) {
      Job saver = cacheJob(repo, MAIN, true, "cache " + i + "\n");
      Files.write(
          saver.workspace().resolve("deps/random.bin"), ArtifactServiceIT.random(1 << 20, 10 + i));
      succeeds(save, saver, "key", "big-" + i, "path", "deps");
    }
    assertThat(services.sweepAsAnotherReplica()).isEqualTo(1);

    Job oldest = cacheJob(repo, MAIN, true, "none\n");
    assertThat(succeeds(restore, oldest, "key", "big-1", "path", "deps").outputs())
        .containsEntry("cache-hit", "false");
    for (int i = 2; i <= 3; i++) {
      Job kept = cacheJob(repo, MAIN, true, "none\n");
      assertThat(succeeds(restore, kept, "key", "big-" + i, "path", "deps").outputs())
          .containsEntry("cache-hit", "true");
      assertThat(kept.workspace().resolve("deps/a.txt")).hasContent("cache " + i);
    }
  }
}
