package dev.pipewright.executor.program;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class CommandFilesTest {

  @Test
  void parsesAssignmentsAndHeredocsLaterWinning() {
    String content =
        "A=1\n\nB=x=y\nMULTI<<EOF\nline 1\nline 2\nEOF\nA=2\r\nEMPTY=\nNONE<<END\nEND\n";
    assertThat(CommandFiles.parseKeyValues(content, "GITHUB_ENV"))
        .containsExactly(
            java.util.Map.entry("A", "2"),
            java.util.Map.entry("B", "x=y"),
            java.util.Map.entry("MULTI", "line 1\nline 2"),
            java.util.Map.entry("EMPTY", ""),
            java.util.Map.entry("NONE", ""));
  }

  @Test
  void theFirstOfEqualsAndHeredocDecides() {
    assertThat(CommandFiles.parseKeyValues("K=a<<b\n", "f")).containsEntry("K", "a<<b");
    assertThat(CommandFiles.parseKeyValues("K<<X=\nv\nX=\n", "f")).containsEntry("K", "v");
  }

  @Test
  void rejectsMalformedFiles() {
    assertThatThrownBy(() -> CommandFiles.parseKeyValues("JUSTANAME\n", "GITHUB_ENV"))
        .hasMessageContaining("Invalid format 'JUSTANAME'");
    assertThatThrownBy(() -> CommandFiles.parseKeyValues("=v\n", "GITHUB_OUTPUT"))
        .hasMessageContaining("empty name");
    assertThatThrownBy(() -> CommandFiles.parseKeyValues("K<<EOF\nnever closed\n", "GITHUB_ENV"))
        .hasMessageContaining("Matching delimiter not found 'EOF'");
  }

  @Test
  void pathFileListsDirectoriesInOrder() {
    assertThat(CommandFiles.parsePath("/opt/a\n\n  /opt/b  \n"))
        .containsExactly("/opt/a", "/opt/b");
  }
}
