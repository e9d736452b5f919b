package dev.pipewright.executor.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ProcessGroupsTest {

  @Test
  void readsTheGroupAfterACommandNameWithSpacesAndParentheses() {
    assertThat(ProcessGroups.groupOf("4711 (odd) name (x)) S 1 4700 4700 0 -1 4194560 99"))
        .isEqualTo(4700);
    assertThat(ProcessGroups.groupOf("4711 (sh) R 1")).isEqualTo(-1);
    assertThat(ProcessGroups.groupOf("garbage")).isEqualTo(-1);
  }

  @Test
  void aGroupHasMembersWhileOneOfItsProcessesLivesAndNoneAfter() throws Exception {
    Path setsid = Executables.onWorkerPath("setsid").orElseThrow();
    Process leader =
        new ProcessBuilder(setsid.toString(), "sh", "-c", "echo ready; exec sleep 300")
            .redirectErrorStream(true)
            .start();
    try (BufferedReader out =
        new BufferedReader(
            new InputStreamReader(leader.getInputStream(), StandardCharsets.UTF_8))) {
      // The line comes from inside the new session, so the group exists by now.
      assertThat(out.readLine()).isEqualTo("ready");
      assertThat(ProcessGroups.mayHaveMembers(leader.pid())).isTrue();
      leader.destroyForcibly().waitFor();
      assertThat(ProcessGroups.mayHaveMembers(leader.pid())).isFalse();
    } finally {
      leader.destroyForcibly();
    }
  }
}
