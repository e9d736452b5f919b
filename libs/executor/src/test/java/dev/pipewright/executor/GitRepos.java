package dev.pipewright.executor;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Local git repositories standing for a build's remote ({@code actions/checkout} fetches from a
 * path as from a URL), and the workflow every host is held to for issue 12's parallel checkouts.
 * Shared with other modules' tests through this module's test-jar.
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
   * Jobs that each start with {@code actions/checkout} and print the commit, the README and their
   * workspace's name: issue 12's three parallel checkouts used to collide in one shared workspace
   * ("remote origin already exists").
   */
  public static String parallelCheckouts(List<String> jobs) {
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
    return yaml.toString();
  }
}
