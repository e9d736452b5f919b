package dev.pipewright.actions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.pipewright.models.CiException;
import dev.pipewright.models.ErrorCode;
import dev.pipewright.parser.spec.ActionRef;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Remote actions from bare repositories made here (file:// URLs and an offline directory). */
class ActionResolverTest {
  private static final Map<String, String> ACTION =
      Map.of("action.yml", "runs: {using: composite, steps: []}\n", "sub/action.yml", "sub");

  @TempDir Path root;

  private ActionResolver resolver(ActionSources sources) {
    return new ActionResolver(
        sources,
        new GitRepositoryFiles(root.resolve("git"), Duration.ofMinutes(1)),
        root.resolve("actions"));
  }

  private String fileUrl(Path dir) {
    return dir.toUri().toString();
  }

  private static ActionRef.Remote ref(String text) {
    return (ActionRef.Remote) ActionRef.parse(text);
  }

  @Test
  void aBuildFetchesAnActionOnceAndAnotherBuildReusesItsCommit() throws Exception {
    Path remote = root.resolve("remote");
    String sha = BareRepos.commit(remote, "acme/tool", ACTION, "v1");
    ActionResolver resolver = resolver(new ActionSources(fileUrl(remote), List.of(), null));

    ActionResolver.Resolved first = resolver.resolve("b1", ref("acme/tool@v1"));
    ActionResolver.Resolved sub = resolver.resolve("b1", ref("acme/tool/sub@v1"));

    assertThat(first.sha()).isEqualTo(sha);
    assertThat(first.root().resolve("action.yml")).exists();
    assertThat(sub.root()).isEqualTo(first.directory().resolve("sub"));
    assertThat(first.directory()).isEqualTo(root.resolve("actions/acme/tool").resolve(sha));
    assertThat(resolver.fetches()).as("one fetch for the build").isEqualTo(1);

    // A tag moves: the next build looks it up again; a SHA already kept is not fetched.
    resolver.resolve("b2", ref("acme/tool@v1"));
    assertThat(resolver.fetches()).isEqualTo(2);
    assertThat(resolver.resolve("b3", ref("acme/tool@" + sha)).sha()).isEqualTo(sha);
    assertThat(resolver.fetches()).isEqualTo(2);
  }

  @Test
  void theOfflineDirectoryIsTriedFirstThenTheUrlThenEachMirror() throws Exception {
    Path offline = root.resolve("offline");
    Path mirror = root.resolve("mirror");
    String offlineSha = BareRepos.commit(offline, "acme/tool", ACTION, "v1");
    String mirrorSha = BareRepos.commit(mirror, "acme/other", ACTION, "v1");
    String nowhere = fileUrl(root.resolve("nowhere"));
    ActionResolver resolver =
        resolver(new ActionSources(nowhere, List.of(fileUrl(mirror)), offline));

    assertThat(resolver.resolve("b", ref("acme/tool@v1")).sha()).isEqualTo(offlineSha);
    assertThat(resolver.resolve("b", ref("acme/other@v1")).sha()).isEqualTo(mirrorSha);
  }

  @Test
  void anActionNoSourceHasIsATransientErrorNamingEverySource() {
    ActionResolver resolver =
        resolver(
            new ActionSources(
                fileUrl(root.resolve("a")), List.of(fileUrl(root.resolve("b"))), null));

    CiException e =
        catchThrowableOfType(CiException.class, () -> resolver.resolve("b", ref("acme/x@v1")));

    assertThat(e.code()).isEqualTo(ErrorCode.TRANSIENT);
    assertThat(e.getMessage())
        .startsWith("could not fetch the action acme/x@v1: ")
        .contains(root.resolve("a").toUri() + "/acme/x")
        .contains(root.resolve("b").toUri() + "/acme/x");
  }

  @Test
  void aPathTheCommitDoesNotHaveIsNotFound() throws Exception {
    Path remote = root.resolve("remote");
    BareRepos.commit(remote, "acme/tool", ACTION, "v1");
    ActionResolver resolver = resolver(new ActionSources(fileUrl(remote), List.of(), null));

    CiException e =
        catchThrowableOfType(
            CiException.class, () -> resolver.resolve("b", ref("acme/tool/none@v1")));

    assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND);
  }

  @Test
  void concurrentJobsKeepOneCompleteCopyAndLeaveNoTemporaryDirectory() throws Exception {
    Path remote = root.resolve("remote");
    String sha = BareRepos.commit(remote, "acme/tool", ACTION, "v1");
    // Jobs of four builds at once: each build fetches and writes its own copy, and they race to
    // rename it into place.
    ActionResolver resolver = resolver(new ActionSources(fileUrl(remote), List.of(), null));
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Callable<ActionResolver.Resolved>> jobs =
          Stream.of("b1", "b2", "b3", "b4")
              .map(
                  b ->
                      (Callable<ActionResolver.Resolved>)
                          () -> resolver.resolve(b, ref("acme/tool@v1")))
              .toList();
      for (Future<ActionResolver.Resolved> f : pool.invokeAll(jobs)) {
        assertThat(f.get().root().resolve("action.yml")).exists();
      }
    } finally {
      pool.shutdownNow();
    }
    try (Stream<Path> kept = Files.list(root.resolve("actions/acme/tool"))) {
      assertThat(kept.map(p -> p.getFileName().toString())).containsExactly(sha);
    }
  }

  /** lint and admission read a manifest without keeping the tree; the sources in their order. */
  @Test
  void aManifestIsReadAtItsCommitWithoutKeepingTheTree() throws Exception {
    Path offline = root.resolve("offline");
    String sha =
        BareRepos.commit(
            offline,
            "acme/tool",
            Map.of("action.yml", "root", "sub/action.yaml", "sub", "none/README", "x"),
            "v1");
    ActionResolver resolver =
        resolver(new ActionSources(fileUrl(root.resolve("nowhere")), List.of(), offline));

    ActionResolver.Manifest top = resolver.manifest(ref("acme/tool@v1")).orElseThrow();
    ActionResolver.Manifest sub = resolver.manifest(ref("acme/tool/sub@v1")).orElseThrow();

    assertThat(top.sha()).isEqualTo(sha);
    assertThat(top.name()).isEqualTo("action.yml");
    assertThat(top.text()).isEqualTo("root");
    assertThat(sub.name()).isEqualTo("action.yaml");
    assertThat(sub.text()).isEqualTo("sub");
    assertThat(resolver.manifest(ref("acme/tool/none@v1"))).isEmpty();
    assertThat(root.resolve("actions")).doesNotExist();

    CiException e =
        catchThrowableOfType(CiException.class, () -> resolver.manifest(ref("acme/gone@v1")));
    assertThat(e.code()).isEqualTo(ErrorCode.TRANSIENT);
    assertThat(e.getMessage()).startsWith("could not fetch the action acme/gone@v1: ");
  }
}
