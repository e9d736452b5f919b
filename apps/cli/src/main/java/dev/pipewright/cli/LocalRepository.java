package dev.pipewright.cli;

import dev.pipewright.api.ci.v1.Repository;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The repository a build of a workflow file is for, as {@code run} and {@code submit} both choose
 * it: {@code --repo} as given (a clone URL, or a local directory), else the git checkout around the
 * current directory, else none. A directory's branch ref and commit are its checkout's.
 *
 * @param url null when there is no repository
 */
record LocalRepository(String url, String ref, String sha) {
  static final LocalRepository NONE = new LocalRepository(null, null, null);

  /**
   * @param repo {@code --repo}, or null
   * @param workingDirectory where the command runs
   */
  static LocalRepository choose(String repo, Path workingDirectory) {
    if (repo != null && !Files.isDirectory(workingDirectory.resolve(repo))) {
      return new LocalRepository(repo, null, null);
    }
    Path dir = workingDirectory.resolve(repo != null ? repo : ".").toAbsolutePath().normalize();
    GitInfo git = GitInfo.of(dir);
    if (repo == null && git.root() == null) {
      return NONE;
    }
    // An explicit directory is used as it is; the default is the top of the checkout around us.
    String url = repo != null ? dir.toString() : git.root().toString();
    return new LocalRepository(url, git.ref(), git.sha());
  }

  /** The same with {@code ref} and {@code sha} where given (non-null). */
  LocalRepository overriding(String ref, String sha) {
    return new LocalRepository(url, ref != null ? ref : this.ref, sha != null ? sha : this.sha);
  }

  /** For StartPipelineBuild: the fields known; null when none is. */
  Repository proto() {
    if (url == null && ref == null && sha == null) {
      return null;
    }
    Repository.Builder r = Repository.newBuilder();
    if (url != null) {
      r.setUrl(url);
    }
    if (ref != null) {
      r.setRef(ref);
    }
    if (sha != null) {
      r.setSha(sha);
    }
    return r.build();
  }
}
