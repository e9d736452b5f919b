package dev.pipewright.pipeline.sources;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.pipewright.models.CiException;
import dev.pipewright.models.ErrorCode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Called workflows read with git from repositories made here, never the network. */
class GitRepositoryFilesTest {
  @TempDir Path repos;
  @TempDir Path cache;

  @Test
  void aCommitIsFetchedOnceAndReadFromTheCacheAfterwards() throws Exception {
    var first = ReusableFixture.repository(repos, Map.of("w.yml", "first"));
    String url = first.url();
    String sha = first.sha();
    GitRepositoryFiles files = new GitRepositoryFiles(cache, Duration.ofMinutes(1));

    assertThat(files.read(url, sha, "w.yml")).isEqualTo("first");
    assertThat(files.read(url, sha, "w.yml")).isEqualTo("first");
    assertThat(files.fetches()).isEqualTo(1);

    ReusableFixture.commit(Path.of(url), Map.of("w.yml", "second"), "v2");
    assertThat(files.read(url, "v2", "w.yml")).isEqualTo("second");
    assertThat(files.read(url, "main", "w.yml")).isEqualTo("second");
    assertThat(files.read(url, sha, "w.yml")).isEqualTo("first");
    assertThat(files.fetches()).isEqualTo(3);
  }

  @Test
  void aMissingFileIsNotFoundAndAFailedFetchIsTransientNamingTheRef() throws Exception {
    var repository = ReusableFixture.repository(repos, Map.of("w.yml", "x"));
    String sha = repository.sha();
    String url = repository.url();
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
}
