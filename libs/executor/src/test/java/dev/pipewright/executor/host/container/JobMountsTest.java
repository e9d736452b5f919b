package dev.pipewright.executor.host.container;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JobMountsTest {
  @TempDir Path dir;
  private Path ws;
  private Path runner;
  private JobMounts mounts;

  @BeforeEach
  void setUp() throws IOException {
    ws = Files.createDirectories(dir.resolve("ws"));
    runner = Files.createDirectories(dir.resolve("runner"));
    mounts = new JobMounts(Map.of("/github/workspace", ws, "/github/runner", runner));
  }

  @Test
  void translatesBothWays() throws IOException {
    assertThat(mounts.resolve("/github/workspace/a/b.txt", true)).isEqualTo(ws.resolve("a/b.txt"));
    assertThat(mounts.resolve("/github/workspace/../runner/x", true))
        .isEqualTo(runner.resolve("x"));
    assertThat(mounts.toContainer(runner.resolve("temp"))).isEqualTo("/github/runner/temp");
    assertThat(mounts.toContainer(ws)).isEqualTo("/github/workspace");
    assertThat(mounts.contains("/github/runner/x")).isTrue();
    assertThat(mounts.contains("/tmp")).isFalse();
    assertThat(mounts.podmanArguments(false))
        .containsExactlyInAnyOrder(
            "--volume", ws + ":/github/workspace", "--volume", runner + ":/github/runner");
    assertThat(mounts.podmanArguments(true)).contains(ws + ":/github/workspace:U");
  }

  @Test
  void followsLinksAsTheContainerSeesThem() throws IOException {
    Files.createSymbolicLink(ws.resolve("abs"), Path.of("/github/runner"));
    Files.createSymbolicLink(ws.resolve("rel"), Path.of("sub/../abs"));
    Files.createDirectories(ws.resolve("sub"));
    assertThat(mounts.resolve("/github/workspace/abs/f", true)).isEqualTo(runner.resolve("f"));
    assertThat(mounts.resolve("/github/workspace/rel/f", true)).isEqualTo(runner.resolve("f"));
    assertThat(mounts.resolve("/github/workspace/abs", false)).isEqualTo(ws.resolve("abs"));
  }

  @Test
  void refusesWhatLeadsOutOfTheMounts() throws IOException {
    // On the worker this link names the worker's own file; in the container, the image's.
    Files.createSymbolicLink(runner.resolve("output"), Path.of("/etc/passwd"));
    Files.createSymbolicLink(ws.resolve("up"), Path.of("../../.."));
    Files.createSymbolicLink(ws.resolve("loop"), Path.of("loop"));
    for (String p :
        new String[] {
          "/github/runner/output", "/github/workspace/up/etc", "/etc/passwd", "/github", "/"
        }) {
      assertThatThrownBy(() -> mounts.resolve(p, true)).as(p).isInstanceOf(IOException.class);
    }
    assertThatThrownBy(() -> mounts.resolve("/github/workspace/loop", true))
        .hasMessageContaining("too many levels");
    // Not following the last link: deleting it is fine.
    assertThat(mounts.resolve("/github/runner/output", false)).isEqualTo(runner.resolve("output"));
  }
}
