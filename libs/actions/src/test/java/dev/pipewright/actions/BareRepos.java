package dev.pipewright.actions;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Bare git repositories made in a test's directory ({@code git init --bare}), reached by {@code
 * file://} URLs or paths: the network is never used.
 */
public final class BareRepos {
  private BareRepos() {}

  /**
   * Commits {@code files} (path → text) to {@code <root>/<owner>/<repo>.git} (made on first use)
   * and tags the commit {@code tag}; returns its SHA.
   */
  public static String commit(Path root, String repository, Map<String, String> files, String tag)
      throws Exception {
    Path bare = root.resolve(repository + ".git");
    Path work = root.resolve(".work").resolve(repository);
    if (!Files.isDirectory(bare)) {
      Files.createDirectories(bare);
      git(bare, "init", "-q", "--bare", "-b", "main", ".");
      Files.createDirectories(work);
      git(work, "init", "-q", "-b", "main", ".");
      git(work, "remote", "add", "origin", bare.toString());
    }
    for (var f : files.entrySet()) {
      Path file = work.resolve(f.getKey());
      Files.createDirectories(file.getParent());
      Files.writeString(file, f.getValue());
    }
    git(work, "add", "-A");
    git(work, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", tag);
    git(work, "tag", "-f", tag);
    git(work, "push", "-q", "-f", "origin", "main", "refs/tags/" + tag);
    return git(work, "rev-parse", "HEAD");
  }

  /** Runs git in {@code dir}; it must succeed. Its output, stripped. */
  static String git(Path dir, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("git"));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    assertThat(p.waitFor()).as(out).isZero();
    return out;
  }
}
