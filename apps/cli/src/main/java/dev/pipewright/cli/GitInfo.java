package dev.pipewright.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The checkout a local directory is at, from {@code git}: its top-level directory, the branch ref
 * and the commit. Each is null when git is missing or the directory is not a repository.
 */
record GitInfo(Path root, String ref, String sha) {

  static GitInfo of(Path dir) {
    String top = git(dir, "rev-parse", "--show-toplevel");
    return new GitInfo(
        top == null ? null : Path.of(top),
        git(dir, "symbolic-ref", "-q", "HEAD"),
        git(dir, "rev-parse", "HEAD"));
  }

  private static String git(Path dir, String... args) {
    List<String> command = new java.util.ArrayList<>(List.of("git", "-C", dir.toString()));
    command.addAll(List.of(args));
    try {
      Process process =
          new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
      process.getOutputStream().close();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(10, TimeUnit.SECONDS) || process.exitValue() != 0) {
        process.destroyForcibly();
        return null;
      }
      String value = output.strip();
      return value.isEmpty() ? null : value;
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }
}
