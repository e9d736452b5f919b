package dev.pipewright.kubernetes.pod;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pipewright.executor.host.HostCommand;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The worker's side of the agent's protocol (pure), and the agent itself under each POSIX shell
 * this machine has: dash, busybox ash and bash. Images bring any of them as {@code /bin/sh}.
 */
class PodAgentTest {
  private static final Duration WAIT = Duration.ofSeconds(20);

  @TempDir Path dir;

  @Test
  void aCommandScriptDeletesItselfSetsExactlyTheCommandsEnvironmentAndBecomesTheCommand() {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("PATH", "/usr/bin:/bin");
    env.put("QUOTE", "it's \"x\" $HOME `id`");
    env.put("INPUT_WHO-TO-GREET", "kept");
    String script =
        PodAgent.commandScript(
            new HostCommand("step-1.a1", List.of("/bin/sh", "-e", "/w/s.sh"), env, "/w/my dir"),
            Set.of("PATH", "HOSTNAME", "KUBERNETES_PORT"));
    assertThat(script)
        .startsWith("rm -f -- \"$0\"\n")
        .contains("unset HOSTNAME\n", "unset KUBERNETES_PORT\n")
        .doesNotContain("unset PATH")
        .contains("set -- '/bin/sh' '-e' '/w/s.sh'\n")
        .contains("export QUOTE='it'\\''s \"x\" $HOME `id`'\n")
        // A name no shell holds reaches the command through env (ContainerShell.environmentFile).
        .contains("set -- env 'INPUT_WHO-TO-GREET=kept' \"$@\"\n")
        .endsWith("cd -- '/w/my dir' || exit 1\nexec \"$@\"\n");
  }

  @Test
  void theAgentsEnvironmentAndExitFilesParse() {
    assertThat(PodAgent.environment("PATH=/bin\0X=a=b\0\0junk\0".getBytes(StandardCharsets.UTF_8)))
        .containsExactly(Map.entry("PATH", "/bin"), Map.entry("X", "a=b"));
    assertThat(PodAgent.exitCode("143\n")).hasValue(143);
    assertThat(PodAgent.exitCode("")).isEmpty();
    assertThat(PodAgent.exitCode("x")).isEmpty();
  }

  static Stream<List<String>> shells() {
    List<List<String>> shells = new ArrayList<>();
    for (List<String> sh :
        List.of(List.of("/bin/dash"), List.of("/bin/busybox", "sh"), List.of("/bin/bash"))) {
      if (Files.isExecutable(Path.of(sh.getFirst()))) {
        shells.add(sh);
      }
    }
    return shells.stream();
  }

  /**
   * A command's output and exit code, a TERM to its whole process group (a background child
   * included), and the release that stops the agent, under each shell.
   */
  @ParameterizedTest
  @MethodSource("shells")
  void theAgentRunsCommandsSignalsTheirGroupAndStopsOnRelease(List<String> shell) throws Exception {
    Process agent = agent(shell, dir);
    try {
      Map<String, String> env = Map.of("PATH", "/usr/bin:/bin", "GREETING", "hé");
      command("c1", List.of("/bin/sh", "-c", "echo $GREETING; echo err >&2; exit 3"), env);
      await().atMost(WAIT).until(() -> Files.exists(dir.resolve("c1" + PodAgent.EXIT)));
      assertThat(Files.readString(dir.resolve("c1" + PodAgent.EXIT)).strip()).isEqualTo("3");
      assertThat(Files.readString(dir.resolve("c1" + PodAgent.LOG))).isEqualTo("hé\nerr\n");
      assertThat(dir.resolve("c1" + PodAgent.CLAIMED)).as("deleted once read").doesNotExist();

      command("c2", List.of("/bin/sh", "-c", "sleep 60 & echo started; wait"), env);
      await()
          .atMost(WAIT)
          .until(
              () ->
                  Files.exists(dir.resolve("c2" + PodAgent.LOG))
                      && Files.readString(dir.resolve("c2" + PodAgent.LOG)).contains("started"));
      PodHost.writeAtomically(dir, "c2" + PodAgent.SIGNAL, "TERM".getBytes());
      await().atMost(WAIT).until(() -> Files.exists(dir.resolve("c2" + PodAgent.EXIT)));
      assertThat(Files.readString(dir.resolve("c2" + PodAgent.EXIT)).strip()).isEqualTo("143");

      PodHost.writeAtomically(dir, PodAgent.RELEASE, new byte[0]);
      assertThat(agent.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
      assertThat(agent.exitValue()).isZero();
      assertThat(Files.readString(dir.resolve(PodAgent.STOPPED)).strip()).isEqualTo("release");
    } finally {
      agent.descendants().forEach(ProcessHandle::destroyForcibly);
      agent.destroyForcibly();
    }
  }

  /** Killed by a signal (its pod going away), the agent kills its commands and leaves no exit. */
  @ParameterizedTest
  @MethodSource("shells")
  void anAgentStoppedBySignalLeavesNoExitCodeForWhatItKilled(List<String> shell) throws Exception {
    Process agent = agent(shell, dir);
    try {
      command("c1", List.of("/bin/sh", "-c", "echo started; sleep 60"), Map.of("PATH", "/bin"));
      await().atMost(WAIT).until(() -> Files.exists(dir.resolve("c1" + PodAgent.PID)));
      agent.destroy(); // SIGTERM, as a kubelet stops a container
      assertThat(agent.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
      assertThat(Files.readString(dir.resolve(PodAgent.STOPPED)).strip()).isEqualTo("TERM");
      await()
          .during(Duration.ofMillis(300))
          .atMost(WAIT)
          .until(() -> !Files.exists(dir.resolve("c1" + PodAgent.EXIT)));
    } finally {
      agent.descendants().forEach(ProcessHandle::destroyForcibly);
      agent.destroyForcibly();
    }
  }

  /** A released build's directories are deleted: an agent that missed its release stops too. */
  @ParameterizedTest
  @MethodSource("shells")
  void anAgentWhoseControlDirectoryIsDeletedStops(List<String> shell) throws Exception {
    Path control = Files.createDirectories(dir.resolve("pod-a1"));
    Process agent = agent(shell, control);
    try {
      Files.delete(control.resolve(PodAgent.READY));
      Files.delete(control);
      assertThat(agent.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
      assertThat(agent.exitValue()).isZero();
    } finally {
      agent.destroyForcibly();
    }
  }

  /** The agent under {@code shell} on {@code control}, once it is ready. */
  private static Process agent(List<String> shell, Path control) throws Exception {
    List<String> argv = new ArrayList<>(shell);
    argv.addAll(List.of("-c", PodAgent.SCRIPT, "pod-agent", control.toString()));
    Process agent = new ProcessBuilder(argv).redirectErrorStream(true).start();
    await().atMost(WAIT).until(() -> Files.exists(control.resolve(PodAgent.READY)));
    return agent;
  }

  private void command(String id, List<String> argv, Map<String, String> env) throws Exception {
    String script = PodAgent.commandScript(new HostCommand(id, argv, env, "/"), Set.of("HOME"));
    PodHost.writeAtomically(dir, id + PodAgent.COMMAND, script.getBytes(StandardCharsets.UTF_8));
  }

  /** A command file holds the step's environment, secrets included: its owner's only. */
  @Test
  void filesForTheAgentAreWrittenWholeAndReadableByTheirOwnerOnly() throws Exception {
    PodHost.writeAtomically(dir, "x.cmd", "secret".getBytes(StandardCharsets.UTF_8));
    assertThat(Files.getPosixFilePermissions(dir.resolve("x.cmd")))
        .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
    try (Stream<Path> left = Files.list(dir)) {
      assertThat(left).containsExactly(dir.resolve("x.cmd"));
    }
  }
}
