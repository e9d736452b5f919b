package dev.pipewright.pipeline.sources;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Git repositories made by tests: a bare repository at {@code <root>/<owner>/<repo>} (the layout of
 * an actions source URL) whose branch {@code main} and a tag hold the given files.
 */
public final class GitRepos {
  private GitRepos() {}

  /**
   * Commits {@code files} (path → text) to branch {@code main} of the bare repository {@code
   * <root>/<repository>}, tagged {@code tag}.
   *
   * @return the commit's SHA
   */
  public static String publish(Path root, String repository, String tag, Map<String, String> files)
      throws IOException {
    Path bare = root.resolve(repository);
    Files.createDirectories(bare);
    if (!Files.exists(bare.resolve("HEAD"))) {
      git(bare, "init", "-q", "--bare", "-b", "main", ".");
    }
    Path work = Files.createTempDirectory(root, "src");
    git(work, "init", "-q", "-b", "main", ".");
    if (!git(work, "ls-remote", bare.toString(), "refs/heads/main").isEmpty()) {
      git(work, "fetch", "-q", bare.toString(), "main");
      git(work, "reset", "-q", "--hard", "FETCH_HEAD");
    }
    for (var f : files.entrySet()) {
      Path file = work.resolve(f.getKey());
      Files.createDirectories(file.getParent());
      Files.writeString(file, f.getValue(), StandardCharsets.UTF_8);
    }
    git(work, "add", "-A");
    git(work, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", tag);
    git(work, "-c", "user.name=t", "-c", "user.email=t@t", "tag", "-f", tag);
    git(work, "push", "-q", "--force", bare.toString(), "HEAD:refs/heads/main", "refs/tags/" + tag);
    return git(work, "rev-parse", "HEAD");
  }

  /** Runs git in {@code dir}; it must succeed. Its output, stripped. */
  static String git(Path dir, String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of("git"));
    command.addAll(List.of(args));
    Process p =
        new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    try {
      if (p.waitFor() != 0) {
        throw new IOException("git " + String.join(" ", args) + " failed: " + out);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
    return out;
  }
}
