package dev.pipewright.executor.host.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class GroupSignalsTest {
  private final GroupSignals signals = new GroupSignals();

  @AfterEach
  void stop() {
    signals.stop();
  }

  /** A session of its own whose leader has said it is running, with a child in its group. */
  private static Process group() throws Exception {
    Process leader =
        new ProcessBuilder(
                Executables.onWorkerPath("setsid").orElseThrow().toString(),
                "sh",
                "-c",
                "sleep 300 & echo ready; wait")
            .redirectErrorStream(true)
            .start();
    BufferedReader out =
        new BufferedReader(new InputStreamReader(leader.getInputStream(), StandardCharsets.UTF_8));
    assertThat(out.readLine()).isEqualTo("ready");
    return leader;
  }

  @Test
  void killsEveryProcessOfTheGroup() throws Exception {
    Process leader = group();
    var child = leader.children().findFirst().orElseThrow();

    signals.signal(leader.pid(), "KILL");

    assertThat(leader.waitFor(5, TimeUnit.SECONDS)).isTrue();
    assertThat(child.onExit().get(5, TimeUnit.SECONDS).isAlive()).isFalse();
  }

  @Test
  void aGoneGroupIsFineAndAStoppedShellIsReplaced() throws Exception {
    Process gone = group();
    signals.signal(gone.pid(), "KILL");
    gone.waitFor();
    signals.signal(gone.pid(), "KILL");

    signals.stop();
    Process next = group();
    signals.signal(next.pid(), "TERM");
    assertThat(next.waitFor(5, TimeUnit.SECONDS)).isTrue();
  }

  /** The end of the shell's input is what a worker killed with -9 leaves it. */
  @Test
  void watchedGroupsDieWhenTheShellsInputEnds() throws Exception {
    Process watched = group();
    var child = watched.children().findFirst().orElseThrow();
    Process killedEarlier = group();
    Process unwatched = group();
    signals.watch(watched.pid());
    signals.watch(killedEarlier.pid());
    signals.signal(killedEarlier.pid(), "KILL");
    killedEarlier.waitFor();

    signals.stop();

    assertThat(watched.waitFor(5, TimeUnit.SECONDS)).isTrue();
    assertThat(child.onExit().get(5, TimeUnit.SECONDS).isAlive()).isFalse();
    assertThat(unwatched.isAlive()).isTrue();
    unwatched.destroyForcibly();
  }

  @Test
  void refusesGroupsThatWouldReachOtherProcesses() {
    assertThatThrownBy(() -> signals.signal(1, "KILL"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> signals.signal(-1, "KILL"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
