package dev.pipewright.actions;

/**
 * Files of git repositories at a revision. One interface so that the worker's small git fetch can
 * be replaced by a shared one (the actions resolver's) without touching its callers.
 */
@FunctionalInterface
public interface RepositoryFiles {

  /**
   * The text of {@code path} in repository {@code url} at {@code revision}.
   *
   * @param revision a commit SHA, a branch, a tag, or {@code HEAD}
   * @throws dev.pipewright.models.CiException TRANSIENT, naming the repository and revision, when
   *     it could not be fetched; NOT_FOUND when the revision has no such file
   */
  String read(String url, String revision, String path);
}
