package dev.pipewright.executor.parity;

import dev.pipewright.actions.ActionResolver;
import dev.pipewright.actions.ActionSources;
import dev.pipewright.actions.GitRepositoryFiles;
import dev.pipewright.executor.GitRepos;
import dev.pipewright.fixtures.actions.ActionFixtures;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The remote actions of the parity cases ({@code parity/actions/<owner>/<repo>/}, and the
 * JavaScript actions of {@code tests/action-fixtures} as {@code acme/<name>}, bundled on the real
 * toolkit as published actions ship), committed to bare repositories of an offline action directory
 * made for the suite, tagged {@code v1}: the resolver finds them there first, and its URL leads
 * nowhere, so the network is never used.
 */
final class FixtureActions {
  /** The JavaScript fixture actions the parity cases use, served as {@code acme/<name>@v1}. */
  private static final List<String> JAVASCRIPT = List.of("lifecycle");

  private FixtureActions() {}

  /** A resolver over the fixture actions, keeping what it makes under {@code root}. */
  static ActionResolver resolver(Path root) throws Exception {
    Path offline = root.resolve(".actions-offline");
    Path fixtures = fixtures();
    try (Stream<Path> owners = Files.list(fixtures)) {
      for (Path owner : owners.toList()) {
        try (Stream<Path> repos = Files.list(owner)) {
          for (Path repo : repos.toList()) {
            commit(
                repo,
                offline
                    .resolve(owner.getFileName().toString())
                    .resolve(repo.getFileName().toString()));
          }
        }
      }
    }
    Path built = root.resolve(".actions-built");
    for (String name : JAVASCRIPT) {
      commit(ActionFixtures.copy(name, built.resolve(name)), offline.resolve("acme").resolve(name));
    }
    return new ActionResolver(
        new ActionSources(root.resolve(".actions-nowhere").toUri().toString(), List.of(), offline),
        new GitRepositoryFiles(root.resolve(".actions-git"), Duration.ofMinutes(1)),
        root.resolve(".actions"));
  }

  /** A working repository of the fixture's files at {@code dir}, committed and tagged v1. */
  private static void commit(Path fixture, Path dir) throws Exception {
    Files.createDirectories(dir);
    GitRepos.git(dir, "init", "-q", "-b", "main", ".");
    try (Stream<Path> files = Files.walk(fixture)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        Path target = dir.resolve(fixture.relativize(f).toString());
        Files.createDirectories(target.getParent());
        Files.write(target, Files.readAllBytes(f));
      }
    }
    GitRepos.git(dir, "add", "-A");
    GitRepos.git(dir, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "v1");
    GitRepos.git(dir, "tag", "v1");
  }

  private static Path fixtures() throws IOException, URISyntaxException {
    URI uri = FixtureActions.class.getResource("/parity/actions").toURI();
    if (!"jar".equals(uri.getScheme())) {
      return Path.of(uri);
    }
    FileSystem fs;
    try {
      fs = FileSystems.newFileSystem(uri, Map.of());
    } catch (FileSystemAlreadyExistsException e) {
      fs = FileSystems.getFileSystem(uri);
    }
    return fs.provider().getPath(uri);
  }
}
