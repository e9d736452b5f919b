package dev.pipewright.executor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pipewright.executor.parity.ParitySuite.Recorder;
import dev.pipewright.models.JobStatus;
import dev.pipewright.parser.WorkflowParser;
import dev.pipewright.parser.spec.WorkflowSpec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Local git repositories standing for a build's remote ({@code actions/checkout} fetches from a
 * path as from a URL), and the parallel checkouts of issue 12 every host is held to. Shared with
 * other modules' tests through this module's test-jar.
 */
public final class GitRepos {
  private GitRepos() {}

  /** Makes {@code dir} a repository on {@code main} with one commit of a README; its sha. */
  public static String repository(Path dir, String readme) throws Exception {
    git(dir, "init", "-q", "-b", "main", ".");
    Files.writeString(dir.resolve("README.md"), readme);
    git(dir, "add", "README.md");
    git(dir, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "first");
    return git(dir, "rev-parse", "HEAD");
  }

  /** Runs git in {@code dir}; it must succeed. Its output, stripped. */
  public static String git(Path dir, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("git"));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    assertThat(p.waitFor()).as(out).isZero();
    return out;
  }

  /**
   * Issue 12: parallel jobs that each start with {@code actions/checkout} used to collide in one
   * shared workspace ("remote origin already exists"). Runs three such jobs of one build on {@code
   * runner} at once and holds each to its own checkout in its own workspace, {@code
   * <root>/<build>/<job>/}, whatever the host.
   */
  public static void checkThreeParallelCheckouts(
      JobRunner runner, InMemoryLogSink sink, Path origin, Path root, String buildId)
      throws Exception {
    String sha = repository(origin, "parallel\n");
    List<String> jobs = List.of("one", "two", "three");
    StringBuilder yaml = new StringBuilder("on: push\njobs:\n");
    for (String job : jobs) {
      yaml.append(
          """
            %s:
              runs-on: ubuntu-latest
              steps:
                - uses: actions/checkout@v4
                - run: echo "$(git rev-parse HEAD) $(cat README.md) in $(basename "$PWD")"
          """
              .formatted(job));
    }
    WorkflowSpec wf = new WorkflowParser().parse(yaml.toString(), "ci.yml");
    RepositoryRef repo = new RepositoryRef(origin.toString(), "acme/app", "refs/heads/main", sha);
    Map<String, Recorder> recorders = new LinkedHashMap<>();
    for (String job : jobs) {
      Recorder rec = new Recorder();
      recorders.put(job, rec);
      runner.start(
          JobRun.builder(new JobRef(buildId, job), wf, wf.job(job)).repository(repo).build(), rec);
    }
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> recorders.values().stream().allMatch(r -> r.result != null));
    recorders.forEach(
        (job, rec) -> {
          JobRef ref = new JobRef(buildId, job);
          assertThat(rec.result.status()).as(sink.jobText(ref)).isEqualTo(JobStatus.SUCCEEDED);
          assertThat(sink.text(ref, 2)).isEqualTo(sha + " parallel in " + job + "\n");
          assertThat(root.resolve(buildId).resolve(job).resolve(".git")).isDirectory();
        });
  }
}
