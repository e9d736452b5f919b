package dev.pipewright.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pipewright.fixtures.actions.ActionFixtures;
import dev.pipewright.pipeline.worker.PipelineService;
import dev.pipewright.pipeline.worker.WorkerConfig;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Workflows that say {@code uses: actions/upload-artifact@v4}, {@code
 * actions/download-artifact@v4}, {@code actions/cache/save@v4} and {@code actions/cache/restore@v4}
 * as any GitHub workflow does, served by the fixture actions of tests/action-fixtures (bundled on
 * the real {@code @actions/artifact} and {@code @actions/cache} from npm): each is committed to a
 * bare repository of an offline action directory under its real name, tagged {@code v4}, and the
 * actions URL leads nowhere, so the network is never used. What the workflows print and what the
 * API then shows is checked the same way whatever host ran the jobs.
 */
final class ToolkitWorkflows {
  /**
   * Job {@code up} uploads two artifacts; job {@code down} downloads one by name into a directory
   * of its choosing, then every artifact of the build without a name: download-artifact@v4 puts
   * each into {@code <path>/<artifact name>/} then (src/download-artifact.ts: {@code
   * isSingleArtifactDownload} decides), and the named one straight into {@code path}.
   */
  static final String UPLOAD_THEN_DOWNLOAD =
      """
      on: push
      jobs:
        up:
          runs-on: ubuntu-latest
          steps:
            - run: |
                mkdir -p dist/sub
                echo "made by up" > dist/greeting.txt
                echo "nested" > dist/sub/inner.txt
                echo "other file" > other.txt
            - id: greeting
              uses: actions/upload-artifact@v4
              with:
                name: greeting
                path: dist
            - uses: actions/upload-artifact@v4
              with:
                name: other
                path: other.txt
            - run: echo "greeting id ${{ steps.greeting.outputs.artifact-id }}"
        down:
          needs: up
          runs-on: ubuntu-latest
          steps:
            - id: one
              uses: actions/download-artifact@v4
              with:
                name: greeting
                path: by-name
            - run: |
                echo "by name: $(cat by-name/greeting.txt) / $(cat by-name/sub/inner.txt)"
                echo "one went to ${{ steps.one.outputs.download-path }}"
            - uses: actions/download-artifact@v4
              with:
                path: all
            - run: |
                echo "all: $(ls all | tr '\\n' ' ')"
                echo "all: $(cat all/greeting/greeting.txt) / $(cat all/other/other.txt)"
      """;

  /**
   * Another build's job asks for the first build's artifact by name with its own token, which finds
   * nothing in its own build (get-artifact.ts: "Artifact not found for name"), then calls
   * ListArtifacts naming the first build's id, which the service refuses (403).
   */
  static final String SNOOP =
      """
      on: push
      jobs:
        snoop:
          runs-on: ubuntu-latest
          steps:
            - id: own
              continue-on-error: true
              uses: actions/download-artifact@v4
              with:
                name: greeting
            - run: |
                echo "own build: ${{ steps.own.outcome }}"
                node -e '
                  fetch(process.env.ACTIONS_RESULTS_URL
                      + "twirp/github.actions.results.api.v1.ArtifactService/ListArtifacts", {
                    method: "POST",
                    headers: { Authorization: "Bearer " + process.env.ACTIONS_RUNTIME_TOKEN,
                               "Content-Type": "application/json" },
                    body: JSON.stringify({ workflow_run_backend_id: "%s",
                                           workflow_job_run_backend_id: "x" }),
                  }).then(r => console.log("other build: " + r.status),
                          e => { console.error(e.message); process.exit(1); });
                '
      """;

  /** A build that saves {@code deps} under an exact key. */
  static final String SAVE_CACHE =
      """
      on: push
      jobs:
        save:
          runs-on: ubuntu-latest
          steps:
            - run: mkdir deps && echo "deps of the first build" > deps/lib.txt
            - uses: actions/cache/save@v4
              with:
                path: deps
                key: deps-linux-1
      """;

  /**
   * The next build restores it by its exact key (cache-hit true), then, for a key nobody saved, by
   * the restore-keys prefix (cache-hit false, the matched key the saved one): restoreImpl.ts sets
   * those outputs so.
   */
  static final String RESTORE_CACHE =
      """
      on: push
      jobs:
        restore:
          runs-on: ubuntu-latest
          steps:
            - id: exact
              uses: actions/cache/restore@v4
              with:
                path: deps
                key: deps-linux-1
            - run: |
                echo "exact: hit=${{ steps.exact.outputs.cache-hit }} matched=${{ steps.exact.outputs.cache-matched-key }} $(cat deps/lib.txt)"
                rm -r deps
            - id: prefix
              uses: actions/cache/restore@v4
              with:
                path: deps
                key: deps-linux-2
                restore-keys: |
                  deps-linux-
            - run: |
                echo "prefix: hit=${{ steps.prefix.outputs.cache-hit }} matched=${{ steps.prefix.outputs.cache-matched-key }} $(cat deps/lib.txt)"
            - id: miss
              uses: actions/cache/restore@v4
              with:
                path: elsewhere
                key: deps-mac-1
            - run: |
                echo "miss: hit=${{ steps.miss.outputs.cache-hit }}"
      """;

  /**
   * {@code caches.max-bytes-per-repository} of every host's installation: above the one cache of
   * {@link #SAVE_CACHE} (a few hundred bytes), below two of {@link #SAVE_BIG_CACHE}'s.
   */
  static final long CACHE_BYTES_PER_REPOSITORY = 8 * 1024;

  /**
   * A build that saves {@code big} (5000 random bytes, which gzip cannot shrink) under key {@code
   * big-<n>}: two such caches hold more than {@link #CACHE_BYTES_PER_REPOSITORY}, one less.
   */
  static final String SAVE_BIG_CACHE =
      """
      on: push
      jobs:
        save:
          runs-on: ubuntu-latest
          steps:
            - run: mkdir big && head -c 5000 /dev/urandom > big/random.bin
            - uses: actions/cache/save@v4
              with:
                path: big
                key: big-%s
      """;

  /** Restores the oldest of the big caches, then the newest, by their exact keys. */
  static final String RESTORE_BIG_CACHES =
      """
      on: push
      jobs:
        restore:
          runs-on: ubuntu-latest
          steps:
            - { id: oldest, uses: actions/cache/restore@v4, with: { path: big, key: big-1 } }
            - { id: newest, uses: actions/cache/restore@v4, with: { path: big, key: big-2 } }
            - run: |
                echo "oldest: hit=${{ steps.oldest.outputs.cache-hit }}"
                echo "newest: hit=${{ steps.newest.outputs.cache-hit }} matched=${{ steps.newest.outputs.cache-matched-key }} $(wc -c < big/random.bin | tr -d ' ') bytes"
      """;

  private ToolkitWorkflows() {}

  /**
   * {@code yaml} with {@code container: <image>} under each job's {@code runs-on:}, for a host
   * whose jobs run in a container; as it is for {@code image} null.
   */
  static String inContainer(String yaml, String image) {
    return image == null
        ? yaml
        : yaml.replaceAll("(?m)^(\\s+)runs-on: (.*)$", "$1runs-on: $2\n$1container: " + image);
  }

  /**
   * An offline action directory under {@code root} holding {@code actions/upload-artifact}, {@code
   * actions/download-artifact} and {@code actions/cache} (with {@code save/} and {@code restore/},
   * as the real repository has them) as bare repositories tagged {@code v4}.
   */
  static Path offlineActions(Path root) throws Exception {
    Path offline = root.resolve("offline");
    Path work = root.resolve("work");
    serve(
        ActionFixtures.copy("upload-artifact", work.resolve("upload")), offline, "upload-artifact");
    serve(
        ActionFixtures.copy("download-artifact", work.resolve("download")),
        offline,
        "download-artifact");
    Path cache = work.resolve("cache");
    ActionFixtures.copy("cache-save", cache.resolve("save"));
    ActionFixtures.copy("cache-restore", cache.resolve("restore"));
    serve(cache, offline, "cache");
    return offline;
  }

  /**
   * Commits {@code tree}, tags it v4 and clones it bare to {@code <offline>/actions/<name>.git}.
   */
  private static void serve(Path tree, Path offline, String name) throws Exception {
    git(tree, "init", "-q", "-b", "main", ".");
    git(tree, "add", "-A");
    git(tree, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "v4");
    git(tree, "tag", "v4");
    Path bare = offline.resolve("actions").resolve(name + ".git");
    Files.createDirectories(bare.getParent());
    git(tree, "clone", "-q", "--bare", tree.toString(), bare.toString());
  }

  private static void git(Path dir, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("git"));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as("git %s: %s", args, out).isZero();
  }

  /**
   * The worker settings that make jobs fetch actions from {@code offline} only (the URL is a
   * directory that does not exist) and reach the entry API's HTTP side at {@code resultsUrl}.
   */
  static Map<String, String> workerSettings(Path offline, String resultsUrl) {
    return Map.of(
        "PIPEWRIGHT_WORKER_TICK",
        "100ms",
        "PIPEWRIGHT_RESULTS_URL",
        resultsUrl,
        "PIPEWRIGHT_ACTIONS_OFFLINE_DIR",
        offline.toString(),
        "PIPEWRIGHT_ACTIONS_URL",
        offline.resolveSibling("nowhere").toUri().toString());
  }

  /**
   * Starts a worker of {@code pw} in Kubernetes mode on {@code client}: its jobs run in pods of
   * {@code namespace} whose workspace volume is {@code claim}, mounted on the worker at {@code
   * volume}, with {@code settings} over those.
   */
  static void startPodWorker(
      Installation pw,
      KubernetesClient client,
      String namespace,
      String claim,
      Path volume,
      Map<String, String> settings) {
    Map<String, String> env = new HashMap<>(pw.environment("toolkit-pods"));
    env.putAll(settings);
    env.put("PIPEWRIGHT_EXECUTOR", "kubernetes");
    env.put("PIPEWRIGHT_K8S_NAMESPACE", namespace);
    env.put("PIPEWRIGHT_K8S_WORKSPACE_CLAIM", claim);
    env.put("PIPEWRIGHT_WORKSPACE_ROOT", volume.toString());
    pw.startWorker(
        PipelineService.builder(WorkerConfig.fromEnvironment(env))
            .kubernetes(client, false)
            .build());
  }

  static void delete(Path dir) throws IOException {
    if (dir == null || !Files.exists(dir)) {
      return;
    }
    try (var files = Files.walk(dir)) {
      for (Path f : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(f);
      }
    }
  }
}
