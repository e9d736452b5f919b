package dev.pipewright.pipeline.sources;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.pipewright.actions.ActionSources;
import dev.pipewright.actions.GitRepositoryFiles;
import dev.pipewright.dag.WorkflowRef;
import dev.pipewright.dag.WorkflowSource;
import dev.pipewright.executor.GitRepos;
import dev.pipewright.executor.RepositoryRef;
import dev.pipewright.models.CiException;
import dev.pipewright.models.ErrorCode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where called workflows are read: {@code ./…} from the build's repository at the build's commit,
 * {@code owner/repo/…@ref} from the actions source at that ref ("Calling a reusable workflow").
 */
class RepositoryWorkflowSourcesTest {
  @TempDir Path root;

  @Test
  void localCallsReadTheBuildsCommitAndRemoteCallsTheActionsSourceAtTheirRef() throws Exception {
    RepositoryRef build = ReusableFixture.repository(root, Map.of("w/local.yml", "at the commit"));
    ReusableFixture.commit(Path.of(build.url()), Map.of("w/local.yml", "later"), "v2");
    Path tools = root.resolve("acme/tools");
    Files.createDirectories(tools);
    GitRepos.repository(tools, "tools\n");
    ReusableFixture.commit(tools, Map.of("w/remote.yml", "tools v1"), "v1");
    WorkflowSource source = ReusableFixture.sources(root).of(build);

    assertThat(source.read(new WorkflowRef(null, "w/local.yml", null))).isEqualTo("at the commit");
    assertThat(source.read(new WorkflowRef("acme/tools", "w/remote.yml", "v1")))
        .isEqualTo("tools v1");

    CiException unknown =
        catchThrowableOfType(
            CiException.class,
            () -> source.read(new WorkflowRef("acme/none", "w/remote.yml", "v1")));
    assertThat(unknown.code()).isEqualTo(ErrorCode.TRANSIENT);
    assertThat(unknown.getMessage()).contains("fetching v1 of ").contains("acme/none");
  }

  @Test
  void aRunReadsLocalCallsFromTheCheckoutAsItIs() throws Exception {
    Files.createDirectories(root.resolve("w"));
    Files.writeString(root.resolve("w/local.yml"), "uncommitted");
    WorkflowSource source =
        new RepositoryWorkflowSources(
                new GitRepositoryFiles(root.resolve("cache"), Duration.ofMinutes(1)),
                ActionSources.DEFAULT_URL,
                root)
            .of(null);

    assertThat(source.read(new WorkflowRef(null, "w/local.yml", null))).isEqualTo("uncommitted");
    assertThat(
            catchThrowableOfType(
                    CiException.class,
                    () -> source.read(new WorkflowRef(null, "../outside.yml", null)))
                .code())
        .isEqualTo(ErrorCode.NOT_FOUND);
  }
}
