package dev.pipewright.executor.host.container;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shell programs run here by every POSIX shell the machine has, as they would in an image. */
class ContainerShellTest {
  private static final List<String> SHELLS = List.of("/bin/sh", "/bin/dash", "/bin/busybox");

  @Test
  void environmentFileKeepsEveryValueVerbatim() throws Exception {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("QUOTES", "it's \"quoted\" $HOME `x` \\");
    env.put("LINES", "one\ntwo\n");
    env.put("EMPTY", "");
    String file = ContainerShell.environmentFile(env);
    for (String sh : shells()) {
      String out =
          run(sh, ". /dev/stdin; printf '%s|%s|%s' \"$QUOTES\" \"$LINES\" \"$EMPTY\"", file);
      assertThat(out).as(sh).isEqualTo("it's \"quoted\" $HOME `x` \\|one\ntwo\n|");
    }
  }

  /**
   * A variable no shell can hold ({@code INPUT_WHO-TO-GREET}, as GitHub names an input) reaches the
   * command {@link ContainerShell#START} runs, through {@code env}, whichever shell runs it (dash
   * and bash drop such a variable from what they start).
   */
  @Test
  void variablesWhoseNamesNoShellHoldsReachTheCommand(@TempDir Path dir) throws Exception {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("PATH", System.getenv("PATH"));
    env.put("INPUT_WHO-TO-GREET", "it's me");
    env.put("INPUT_PLAIN", "x");
    Path file = dir.resolve("env");
    Files.writeString(file, ContainerShell.environmentFile(env));
    for (String sh : shells()) {
      String out =
          run(sh, "set -- env; " + ContainerShell.START.replace("\"$0\"", "'" + file + "'"), "")
              .lines()
              .skip(1)
              .sorted()
              .filter(l -> l.startsWith("INPUT_"))
              .reduce("", (a, b) -> a + b + "\n");
      assertThat(out).as(sh).isEqualTo("INPUT_PLAIN=x\nINPUT_WHO-TO-GREET=it's me\n");
    }
  }

  @Test
  void pidLineIsDigitsOnly() {
    assertThat(ContainerShell.pid("123")).hasValue(123);
    assertThat(ContainerShell.pid("Error: no container")).isEmpty();
    assertThat(ContainerShell.pid("")).isEmpty();
    assertThat(ContainerShell.pid("1")).isEmpty();
  }

  private static List<String> shells() {
    return SHELLS.stream().filter(s -> new java.io.File(s).canExecute()).toList();
  }

  private static String run(String sh, String script, String stdin) throws Exception {
    List<String> argv =
        sh.endsWith("busybox") ? List.of(sh, "sh", "-c", script) : List.of(sh, "-c", script);
    Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
    p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
    return out;
  }
}
