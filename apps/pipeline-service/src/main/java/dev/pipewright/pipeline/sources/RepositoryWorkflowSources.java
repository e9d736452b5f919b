package dev.pipewright.pipeline.sources;

import dev.pipewright.actions.RepositoryFiles;
import dev.pipewright.dag.WorkflowRef;
import dev.pipewright.dag.WorkflowSource;
import dev.pipewright.executor.RepositoryRef;
import dev.pipewright.models.CiException;
import dev.pipewright.models.ErrorCode;
import dev.pipewright.pipeline.orchestrator.WorkflowSources;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Called workflows from git: {@code ./…} from the build's repository at its commit (its ref's head
 * without one), {@code owner/repo/…@ref} from {@code <actions url>/owner/repo} at that ref. For
 * {@code pipewright run}, {@code ./…} comes from the current checkout instead, uncommitted changes
 * included.
 */
public final class RepositoryWorkflowSources implements WorkflowSources {
  private final RepositoryFiles files;
  private final String actionsUrl;
  private final Path checkout;

  /**
   * @param actionsUrl where {@code owner/repo} is found: {@code <actionsUrl>/owner/repo}
   * @param checkout the directory {@code ./…} is read from, or null to read the build's repository
   */
  public RepositoryWorkflowSources(RepositoryFiles files, String actionsUrl, Path checkout) {
    this.files = files;
    this.actionsUrl = actionsUrl.replaceAll("/+$", "");
    this.checkout = checkout;
  }

  @Override
  public WorkflowSource of(RepositoryRef repository) {
    return ref -> {
      if (ref.repository() != null) {
        return files.read(actionsUrl + "/" + ref.repository(), ref.ref(), ref.path());
      }
      if (checkout != null) {
        return fromCheckout(ref);
      }
      if (repository == null || repository.url() == null) {
        throw new CiException(
            ErrorCode.NOT_FOUND, "the build has no repository to read ./" + ref.path() + " from");
      }
      String revision =
          repository.sha() != null
              ? repository.sha()
              : repository.ref() != null ? repository.ref() : "HEAD";
      return files.read(repository.url(), revision, ref.path());
    };
  }

  private String fromCheckout(WorkflowRef ref) {
    Path file = checkout.resolve(ref.path()).normalize();
    if (!file.startsWith(checkout)) {
      throw new CiException(ErrorCode.NOT_FOUND, ref.path() + " is outside the checkout");
    }
    try {
      return Files.readString(file);
    } catch (NoSuchFileException e) {
      throw new CiException(ErrorCode.NOT_FOUND, "no file " + file);
    } catch (IOException e) {
      throw new CiException(ErrorCode.TRANSIENT, "reading " + file + ": " + e.getMessage(), e);
    }
  }
}
