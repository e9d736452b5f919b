package dev.pipewright.dag;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where a called workflow lives: a path in the build's own repository at the build's commit ({@code
 * ./.github/workflows/x.yml}), or in another repository at a ref ({@code
 * owner/repo/.github/workflows/x.yml@ref}), as GitHub's "Calling a reusable workflow" describes.
 *
 * @param repository {@code owner/repo}, or null for the build's own repository
 * @param path the file's path inside its repository, without a leading {@code ./}
 * @param ref the branch, tag or SHA of {@code repository}; null with the build's own repository
 */
public record WorkflowRef(String repository, String path, String ref) {
  private static final Pattern REMOTE =
      Pattern.compile("([^/@\\s]+/[^/@\\s]+)/([^@\\s]+\\.ya?ml)@([^@\\s]+)");

  /**
   * A {@code jobs.<id>.uses} value, as written in a workflow that lives at {@code from}: a local
   * reference inside a workflow of another repository names a file of that repository at the same
   * ref.
   *
   * @return null when {@code uses} is neither form (the parser reports it)
   */
  public static WorkflowRef of(String uses, WorkflowRef from) {
    if (uses.startsWith("./")) {
      String path = uses.substring(2);
      return from == null || from.repository() == null
          ? new WorkflowRef(null, path, null)
          : new WorkflowRef(from.repository(), path, from.ref());
    }
    Matcher m = REMOTE.matcher(uses);
    return m.matches() ? new WorkflowRef(m.group(1), m.group(2), m.group(3)) : null;
  }

  /** The root workflow of a build, at {@code path} in the build's repository. */
  public static WorkflowRef root(String path) {
    return new WorkflowRef(null, path.startsWith("./") ? path.substring(2) : path, null);
  }

  /** As written in {@code uses:}, and the file name in diagnostics of the called file. */
  @Override
  public String toString() {
    return repository == null ? path : repository + "/" + path + "@" + ref;
  }
}
