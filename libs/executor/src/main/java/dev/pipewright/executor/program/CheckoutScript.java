package dev.pipewright.executor.program;

import dev.pipewright.capabilities.Capabilities;
import dev.pipewright.executor.RepositoryRef;
import dev.pipewright.models.CiException;
import dev.pipewright.models.ErrorCode;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The built-in {@code actions/checkout}: a POSIX sh script that fetches the build's commit with
 * plain {@code git} into a directory, whether it is empty or already holds files (init + fetch, as
 * the action does). Host-independent: the job engine runs it with sh on any host that has git.
 *
 * <p>Supported {@code with:} inputs: {@code repository} (a URL or path; {@code owner/name} only
 * when it is the build's own repository), {@code ref}, {@code path}, {@code fetch-depth} (0 = full
 * history, default 1), {@code clean} (default true). Credentials are the URL's business.
 */
public final class CheckoutScript {
  private static final Pattern OWNER_NAME = Pattern.compile("[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+");
  private static final String TRACKING = "refs/remotes/origin/pipewright-checkout";

  private CheckoutScript() {}

  /** Whether a {@code uses:} value names the checkout action. */
  public static boolean isCheckout(String uses) {
    return Capabilities.isCheckout(uses);
  }

  /**
   * @param with the step's rendered {@code with:}
   * @param repo the build's repository
   * @param targetDir absolute directory to check out into
   * @throws CiException PERMANENT when no repository URL is known or an input is malformed
   */
  public static String render(Map<String, String> with, RepositoryRef repo, String targetDir) {
    String url = repo.url();
    String ref = blankToNull(with.get("ref"));
    String sha = ref == null ? repo.sha() : null;
    if (ref == null) {
      ref = repo.ref();
    }
    String other = blankToNull(with.get("repository"));
    if (other != null && !other.equalsIgnoreCase(repo.displayName())) {
      if (OWNER_NAME.matcher(other).matches()) {
        throw new CiException(
            ErrorCode.PERMANENT,
            "actions/checkout: repository '"
                + other
                + "' cannot be resolved by the local runner; give a URL or path");
      }
      url = other;
      sha = null;
    }
    if (url == null || url.isBlank()) {
      throw new CiException(
          ErrorCode.PERMANENT, "actions/checkout: the build has no repository URL to fetch");
    }
    int depth = depth(with.get("fetch-depth"));
    boolean clean = !"false".equalsIgnoreCase(strip(with.get("clean")));
    String fetchSource = sha != null && !sha.isBlank() ? sha : ref != null ? ref : "HEAD";
    String branch =
        ref != null && ref.startsWith("refs/heads/") ? ref.substring("refs/heads/".length()) : null;
    if (branch == null && ref != null && !ref.startsWith("refs/") && sha == null) {
      branch = ref;
    }
    StringBuilder s = new StringBuilder();
    s.append("set -e\n");
    s.append("dir=").append(quote(targetDir)).append('\n');
    s.append("mkdir -p \"$dir\"\ncd \"$dir\"\n");
    s.append("echo \"Checking out ").append(escapeEcho(fetchSource)).append(" into $dir\"\n");
    s.append("if [ ! -d .git ]; then git -c init.defaultBranch=main init -q .; fi\n");
    s.append("git remote remove origin >/dev/null 2>&1 || true\n");
    s.append("git remote add origin ").append(quote(url)).append('\n');
    s.append("git -c protocol.version=2 fetch --no-tags --prune --progress");
    if (depth > 0) {
      s.append(" --depth=").append(depth);
    }
    s.append(" origin ").append(quote("+" + fetchSource + ":" + TRACKING)).append(" 2>&1\n");
    if (branch != null) {
      s.append("git checkout --force -q -B ").append(quote(branch)).append(' ').append(TRACKING);
    } else {
      s.append("git checkout --force -q --detach ").append(TRACKING);
    }
    s.append('\n');
    if (clean) {
      s.append("git clean -ffdx -q\ngit reset --hard -q HEAD\n");
    }
    s.append("git log -1 --format='HEAD is now at %h %s'\n");
    return s.toString();
  }

  private static int depth(String value) {
    String v = strip(value);
    if (v == null || v.isEmpty()) {
      return 1;
    }
    try {
      int depth = Integer.parseInt(v);
      if (depth < 0) {
        throw new NumberFormatException(v);
      }
      return depth;
    } catch (NumberFormatException e) {
      throw new CiException(
          ErrorCode.PERMANENT,
          "actions/checkout: fetch-depth must be a number >= 0, got '" + v + "'");
    }
  }

  private static String strip(String s) {
    return s == null ? null : s.strip();
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.strip();
  }

  /** Single-quotes for sh: nothing inside is interpreted. */
  static String quote(String s) {
    return "'" + s.replace("'", "'\\''") + "'";
  }

  private static String escapeEcho(String s) {
    return s.replaceAll("[\"`$\\\\]", "");
  }
}
