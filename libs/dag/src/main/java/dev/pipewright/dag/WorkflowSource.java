package dev.pipewright.dag;

/**
 * Where the texts of called workflows come from: the build's repository at its commit and other
 * repositories at their refs (the worker fetches them with git), or the current checkout ({@code
 * pipewright run}, {@code lint}).
 */
@FunctionalInterface
public interface WorkflowSource {

  /**
   * The text of a called workflow.
   *
   * @throws dev.pipewright.models.CiException NOT_FOUND when there is no such file (or repository);
   *     TRANSIENT, naming the reference, when it could not be fetched now
   */
  String read(WorkflowRef ref);
}
