package dev.pipewright.executor.host.container;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The shell programs run here by every POSIX shell the machine has, as they would in an image. */
class ContainerShellTest {
  private static final List<String> SHELLS = List.of("/bin/sh", "/bin/dash", "/bin/busybox");

  @Test
  void environmentFileKeepsEveryValueVerbatim() throws Exception {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("QUOTES", "it's \"quoted\" $HOME `x` \\");
    env.put("LINES", "one\ntwo\n");
    env.put("EMPTY", "");
    env.put("NOT-A-NAME", "dropped");
    String file = ContainerShell.environmentFile(env);
    assertThat(file).doesNotContain("NOT-A-NAME");
    for (String sh : shells()) {
      String out =
          run(sh, ". /dev/stdin; printf '%s|%s|%s' \"$QUOTES\" \"$LINES\" \"$EMPTY\"", file);
      assertThat(out).as(sh).isEqualTo("it's \"quoted\" $HOME `x` \\|one\ntwo\n|");
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
