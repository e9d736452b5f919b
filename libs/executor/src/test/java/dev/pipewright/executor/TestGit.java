package dev.pipewright.executor;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Local git repositories for tests that check out: a remote is a directory on this machine. */
public final class TestGit {
  private TestGit() {}

  /** A repository in {@code dir} with one commit of README.md on main; returns its sha. */
  public static String repository(Path dir, String readme) throws Exception {
    git(dir, "init", "-q", "-b", "main", ".");
    Files.writeString(dir.resolve("README.md"), readme);
    git(dir, "add", "README.md");
    git(dir, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "first");
    return git(dir, "rev-parse", "HEAD");
  }

  /** Runs git in {@code dir}; asserts it succeeded and returns its output, stripped. */
  public static String git(Path dir, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("git"));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    assertThat(p.waitFor()).as(out).isZero();
    return out;
  }
}
