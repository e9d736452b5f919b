package dev.pipewright.cli;

import dev.pipewright.actions.GitRepositoryFiles;
import dev.pipewright.pipeline.orchestrator.WorkflowSources;
import dev.pipewright.pipeline.sources.RepositoryWorkflowSources;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Where {@code run} and {@code lint} read called workflows: {@code ./…} from a checkout as it is
 * (uncommitted changes included), {@code owner/repo/…@ref} fetched with git from the configured
 * actions URL ({@code PIPEWRIGHT_ACTIONS_URL}, GitHub by default), as a worker fetches them, into a
 * cache under the temporary directory.
 */
final class CalledWorkflows {
  private CalledWorkflows() {}

  /**
   * @param actionsUrl where {@code owner/repo} is: {@code <actionsUrl>/owner/repo}
   */
  static WorkflowSources fromCheckout(Path checkout, String actionsUrl) {
    Path cache = Path.of(System.getProperty("java.io.tmpdir"), "pipewright", "workflows");
    return new RepositoryWorkflowSources(
        new GitRepositoryFiles(cache, Duration.ofMinutes(2)),
        actionsUrl,
        checkout.toAbsolutePath().normalize());
  }

  /**
   * The checkout a workflow file belongs to: its git work tree, else the directory holding the
   * {@code .github/workflows} it is in, else the current directory.
   */
  static Path checkoutOf(Path file) {
    Path dir = file.toAbsolutePath().normalize().getParent();
    Path root = dir == null ? null : GitInfo.of(dir).root();
    if (root != null) {
      return root;
    }
    for (Path d = dir; d != null && d.getParent() != null; d = d.getParent()) {
      if (d.getFileName().toString().equals("workflows")
          && d.getParent().getFileName() != null
          && d.getParent().getFileName().toString().equals(".github")
          && d.getParent().getParent() != null) {
        return d.getParent().getParent();
      }
    }
    return Path.of(".");
  }
}
