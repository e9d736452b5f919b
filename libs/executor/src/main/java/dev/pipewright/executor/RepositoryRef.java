package dev.pipewright.executor;

/**
 * The source a build runs against, as given to {@code StartPipelineBuild}.
 *
 * @param url what {@code git fetch} accepts: https, ssh, {@code file://} or a local path
 * @param fullName {@code owner/name} for {@code github.repository} (may be null: derived from url)
 * @param ref {@code refs/heads/main}, {@code refs/tags/v1}, or null
 * @param sha the commit to check out, or null to take the ref's head
 */
public record RepositoryRef(String url, String fullName, String ref, String sha) {

  /** {@code owner/name}: the given name, else the last two path segments of the url. */
  public String displayName() {
    if (fullName != null && !fullName.isBlank()) {
      return fullName;
    }
    if (url == null) {
      return "";
    }
    String trimmed = url.replaceAll("\\.git$", "").replaceAll("/+$", "");
    String[] parts = trimmed.split("[/:]");
    if (parts.length >= 2) {
      return parts[parts.length - 2] + "/" + parts[parts.length - 1];
    }
    return trimmed;
  }

  /** The branch or tag name of {@link #ref()} ({@code github.ref_name}). */
  public String refName() {
    if (ref == null) {
      return "";
    }
    for (String prefix : new String[] {"refs/heads/", "refs/tags/", "refs/"}) {
      if (ref.startsWith(prefix)) {
        return ref.substring(prefix.length());
      }
    }
    return ref;
  }
}
