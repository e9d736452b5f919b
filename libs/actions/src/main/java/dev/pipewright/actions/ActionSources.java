package dev.pipewright.actions;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Where remote actions come from, in the order they are tried: the offline directory of action
 * repositories ({@code <offline>/<owner>/<repo>} or {@code …/<repo>.git}, for clusters without
 * network), then {@code <url>/<owner>/<repo>}, then each mirror the same way.
 *
 * @param url {@code PIPEWRIGHT_ACTIONS_URL}, GitHub by default
 * @param mirrors tried in order after {@code url}
 * @param offline a directory of repositories, or null
 */
public record ActionSources(String url, List<String> mirrors, Path offline) {
  public static final String DEFAULT_URL = "https://github.com";

  public ActionSources {
    url = trim(url);
    mirrors = mirrors == null ? List.of() : mirrors.stream().map(ActionSources::trim).toList();
  }

  /** GitHub only. */
  public static ActionSources github() {
    return new ActionSources(DEFAULT_URL, List.of(), null);
  }

  /** The git URLs of {@code owner/repo}, in the order to try them. */
  public List<String> urls(String owner, String repo) {
    List<String> urls = new ArrayList<>();
    if (offline != null) {
      for (String name : List.of(repo, repo + ".git")) {
        Path dir = offline.resolve(owner).resolve(name);
        if (Files.isDirectory(dir)) {
          urls.add(dir.toString());
          break;
        }
      }
    }
    urls.add(url + "/" + owner + "/" + repo);
    mirrors.forEach(m -> urls.add(m + "/" + owner + "/" + repo));
    return urls;
  }

  private static String trim(String url) {
    return url.replaceAll("/+$", "");
  }
}
