package dev.pipewright.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The repository of a build as run and submit choose it, against real git checkouts. */
class LocalRepositoryTest {
  @TempDir Path dir;

  private static void git(Path dir, String... args) throws Exception {
    List<String> command = new java.util.ArrayList<>(List.of("git", "-C", dir.toString()));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor()).as(output).isZero();
  }

  private Path checkout() throws Exception {
    Path repo = Files.createDirectories(dir.resolve("repo"));
    git(repo, "init", "-q", "-b", "trunk");
    Files.writeString(repo.resolve("a.txt"), "a\n");
    git(repo, "add", "a.txt");
    git(repo, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "a");
    return repo;
  }

  @Test
  void withoutRepoItIsTheCheckoutAroundTheWorkingDirectory() throws Exception {
    Path repo = checkout();
    Path sub = Files.createDirectories(repo.resolve("sub"));

    LocalRepository chosen = LocalRepository.choose(null, sub);

    assertThat(chosen.url()).isEqualTo(repo.toRealPath().toString());
    assertThat(chosen.ref()).isEqualTo("refs/heads/trunk");
    assertThat(chosen.sha()).matches("[0-9a-f]{40}");
  }

  @Test
  void outsideACheckoutThereIsNone() throws Exception {
    Path plain = Files.createDirectories(dir.resolve("plain"));

    assertThat(LocalRepository.choose(null, plain)).isEqualTo(LocalRepository.NONE);
    assertThat(LocalRepository.NONE.proto()).isNull();
  }

  @Test
  void aGivenDirectoryIsUsedAsItIsAndAUrlAsGiven() throws Exception {
    Path repo = checkout();

    LocalRepository local = LocalRepository.choose("repo", dir);
    assertThat(local.url()).isEqualTo(repo.toAbsolutePath().normalize().toString());
    assertThat(local.sha()).matches("[0-9a-f]{40}");
    assertThat(LocalRepository.choose("https://example.test/a.git", dir))
        .isEqualTo(new LocalRepository("https://example.test/a.git", null, null));
  }

  @Test
  void refAndShaGivenOverrideTheCheckouts() throws Exception {
    LocalRepository local = LocalRepository.choose(null, checkout()).overriding(null, "abc123");

    assertThat(local.proto().getSha()).isEqualTo("abc123");
    assertThat(local.proto().getRef()).isEqualTo("refs/heads/trunk");
  }
}
