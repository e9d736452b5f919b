package dev.pipewright.parser.spec;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a step's {@code uses:} names, typed: a remote action ({@code owner/repo[/path]@ref}), a
 * local one ({@code ./path}, from the workspace) or a container image ({@code docker://image}). The
 * forms are those of GitHub's "workflow syntax" page ({@code jobs.<job_id>.steps[*].uses}) and of
 * actions/runner's {@code PipelineTemplateConverter.ConvertToStep}.
 */
public sealed interface ActionRef {

  /**
   * {@code owner/repo[/path]@ref}.
   *
   * @param path inside the repository, without a leading {@code /}; "" for its root
   */
  record Remote(String owner, String repo, String path, String ref) implements ActionRef {
    /** {@code owner/repo}. */
    public String repository() {
      return owner + "/" + repo;
    }

    @Override
    public String text() {
      return repository() + (path.isEmpty() ? "" : "/" + path) + "@" + ref;
    }
  }

  /**
   * {@code ./path}: a directory of the workspace.
   *
   * @param path relative to the workspace, normalised, never leaving it
   */
  record Local(String path) implements ActionRef {
    @Override
    public String text() {
      return "./" + path;
    }
  }

  /** {@code docker://image[:tag|@digest]}. */
  record Docker(String image) implements ActionRef {
    @Override
    public String text() {
      return "docker://" + image;
    }
  }

  /** The reference as a workflow writes it. */
  String text();

  // owner and repo as GitHub allows them; the ref anything but blanks and a second '@'.
  Pattern REMOTE =
      Pattern.compile(
          "(?<owner>[A-Za-z0-9_.-]+)/(?<repo>[A-Za-z0-9_.-]+)(?:/(?<path>[^@\\s]+))?@(?<ref>[^@\\s]+)");
  Pattern IMAGE =
      Pattern.compile("[a-z0-9][a-z0-9._/:-]*(?:@sha256:[0-9a-f]{64}|(?::[A-Za-z0-9_.-]{1,128})?)");

  /**
   * Parses a literal {@code uses:} value.
   *
   * @throws IllegalArgumentException saying what is wrong with it
   */
  static ActionRef parse(String uses) {
    return tryParse(uses)
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "invalid action reference '"
                        + uses
                        + "': expected '{owner}/{repo}[/path]@{ref}', './{path}' or"
                        + " 'docker://{image}[:{tag}|@{digest}]'"));
  }

  /** {@link #parse}, empty for a malformed value. */
  static Optional<ActionRef> tryParse(String uses) {
    if (uses == null) {
      return Optional.empty();
    }
    if (uses.startsWith("docker://")) {
      String image = uses.substring("docker://".length());
      return IMAGE.matcher(image).matches() && !image.contains("//")
          ? Optional.of(new Docker(image))
          : Optional.empty();
    }
    if (uses.startsWith("./")) {
      return local(uses.substring(2));
    }
    Matcher m = REMOTE.matcher(uses);
    if (!m.matches()) {
      return Optional.empty();
    }
    String path = m.group("path") == null ? "" : m.group("path").replaceAll("/+$", "");
    if (path.startsWith("/") || (path + "/").contains("../") || m.group("repo").equals("..")) {
      return Optional.empty();
    }
    return Optional.of(new Remote(m.group("owner"), m.group("repo"), path, m.group("ref")));
  }

  private static Optional<ActionRef> local(String relative) {
    String normalised =
        java.nio.file.Path.of(relative.isEmpty() ? "." : relative).normalize().toString();
    if (normalised.startsWith("..") || normalised.startsWith("/")) {
      return Optional.empty();
    }
    return Optional.of(new Local(normalised.equals(".") ? "" : normalised));
  }
}
