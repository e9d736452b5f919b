package dev.pipewright.actions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.pipewright.models.CiException;
import dev.pipewright.models.ErrorCode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Files read with git from bare repositories made here, never the network. */
class GitRepositoryFilesTest {
  @TempDir Path repos;
  @TempDir Path cache;

  @Test
  void aCommitIsFetchedOnceAndReadFromTheCacheAfterwards() throws Exception {
    String sha = BareRepos.commit(repos, "octo/app", Map.of("w.yml", "first"), "v1");
    String url = repos.resolve("octo/app.git").toUri().toString();
    GitRepositoryFiles files = new GitRepositoryFiles(cache, Duration.ofMinutes(1));

    assertThat(files.read(url, sha, "w.yml")).isEqualTo("first");
    assertThat(files.read(url, sha, "w.yml")).isEqualTo("first");
    assertThat(files.fetches()).isEqualTo(1);

    BareRepos.commit(repos, "octo/app", Map.of("w.yml", "second"), "v2");
    assertThat(files.read(url, "v2", "w.yml")).isEqualTo("second");
    assertThat(files.read(url, "main", "w.yml")).isEqualTo("second");
    assertThat(files.read(url, sha, "w.yml")).isEqualTo("first");
    assertThat(files.fetches()).isEqualTo(3);
  }

  @Test
  void aMissingFileIsNotFoundAndAFailedFetchIsTransientNamingTheRef() throws Exception {
    String sha = BareRepos.commit(repos, "octo/app", Map.of("w.yml", "x"), "v1");
    String url = repos.resolve("octo/app.git").toString();
    GitRepositoryFiles files = new GitRepositoryFiles(cache, Duration.ofMinutes(1));

    CiException missing =
        catchThrowableOfType(CiException.class, () -> files.read(url, sha, "nope.yml"));
    assertThat(missing.code()).isEqualTo(ErrorCode.NOT_FOUND);

    String gone = repos.resolve("octo/gone").toString();
    CiException failed =
        catchThrowableOfType(CiException.class, () -> files.read(gone, "v3", "w.yml"));
    assertThat(failed.code()).isEqualTo(ErrorCode.TRANSIENT);
    assertThat(failed.getMessage()).startsWith("fetching v3 of " + gone + " failed: ");
  }

  @Test
  void anExportHoldsTheCommitsTreeWithItsFileModes() throws Exception {
    String sha =
        BareRepos.commit(repos, "octo/tool", Map.of("a/b.txt", "b", "run.sh", "echo hi"), "v1");
    String url = repos.resolve("octo/tool.git").toString();
    GitRepositoryFiles files = new GitRepositoryFiles(cache, Duration.ofMinutes(1));

    assertThat(files.commit(url, "v1")).isEqualTo(sha);
    Path target = Files.createTempDirectory(cache, "t");
    files.export(url, sha, target);

    assertThat(target.resolve("a/b.txt")).hasContent("b");
    assertThat(target.resolve("run.sh")).hasContent("echo hi");
  }
}
