package dev.pipewright.actions;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pipewright.capabilities.ActionManifests;
import dev.pipewright.parser.spec.ActionRef;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Manifests from a checkout and from bare repositories made here: never the network. */
class ManifestReaderTest {
  @TempDir Path root;

  private ActionResolver resolver(ActionSources sources) {
    return ActionResolver.onDisk(sources, root.resolve("cache"), Duration.ofMinutes(1));
  }

  @Test
  void localActionsComeFromTheCheckout() throws Exception {
    Path checkout = root.resolve("repo");
    Files.createDirectories(checkout.resolve(".github/actions/a"));
    Files.writeString(checkout.resolve(".github/actions/a/action.yaml"), "a");
    Files.createDirectories(checkout.resolve("built"));
    Files.writeString(checkout.resolve("built/Dockerfile"), "FROM scratch");
    ManifestReader reader = new ManifestReader(checkout, null, null, "none");

    assertThat(reader.read(ActionRef.parse("./.github/actions/a")))
        .isEqualTo(new ActionManifests.Found("a", "./.github/actions/a/action.yaml"));
    assertThat(reader.read(ActionRef.parse("./built")))
        .isInstanceOfSatisfying(
            ActionManifests.Missing.class,
            m -> assertThat(m.reason()).contains("Dockerfile").contains("image builder"));
    assertThat(reader.read(ActionRef.parse("./gone")))
        .isEqualTo(
            new ActionManifests.Missing(
                "there is no 'action.yml' or 'action.yaml' under '"
                    + checkout.toAbsolutePath().resolve("gone")
                    + "' in the checkout"));
  }

  @Test
  void remoteActionsComeFromTheConfiguredSourcesAndAFailedFetchIsUnread() throws Exception {
    Path offline = root.resolve("offline");
    BareRepos.commit(offline, "acme/tool", Map.of("action.yml", "tool", "README", "x"), "v1");
    ActionSources sources =
        new ActionSources(root.resolve("nowhere").toUri().toString(), List.of(), offline);
    ManifestReader reader = new ManifestReader(null, "no checkout here", resolver(sources), null);

    assertThat(reader.read(ActionRef.parse("acme/tool@v1")))
        .isEqualTo(new ActionManifests.Found("tool", "acme/tool@v1/action.yml"));
    assertThat(reader.read(ActionRef.parse("acme/tool/sub@v1")))
        .isEqualTo(
            new ActionManifests.Missing(
                "its commit has no 'action.yml' or 'action.yaml' under 'sub'"));
    assertThat(reader.read(ActionRef.parse("acme/gone@v1")))
        .isInstanceOfSatisfying(
            ActionManifests.Unread.class,
            u -> assertThat(u.reason()).startsWith("could not fetch the action acme/gone@v1: "));
    assertThat(reader.read(ActionRef.parse("./local")))
        .isEqualTo(new ActionManifests.Unread("no checkout here"));
  }

  @Test
  void withoutAResolverRemoteActionsAreUnreadWithTheReasonGiven() {
    ManifestReader reader = new ManifestReader(root, null, null, "no source is configured");
    assertThat(reader.read(ActionRef.parse("acme/tool@v1")))
        .isEqualTo(new ActionManifests.Unread("no source is configured"));
  }
}
