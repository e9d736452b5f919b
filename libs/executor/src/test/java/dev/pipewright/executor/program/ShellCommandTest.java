package dev.pipewright.executor.program;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pipewright.models.CiException;
import dev.pipewright.models.ErrorCode;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ShellCommandTest {
  private static final Set<String> ALL = Set.of("bash", "sh", "python3", "pwsh");

  @Test
  void githubKeywords() {
    assertThat(ShellCommand.resolve("bash", ALL::contains).argvFor("/t/s.sh"))
        .containsExactly("bash", "--noprofile", "--norc", "-eo", "pipefail", "/t/s.sh");
    assertThat(ShellCommand.resolve("sh", ALL::contains).argvFor("/t/s.sh"))
        .containsExactly("sh", "-e", "/t/s.sh");
    ShellCommand python = ShellCommand.resolve("python", ALL::contains);
    assertThat(python.argvFor("/t/s.py")).containsExactly("python3", "/t/s.py");
    assertThat(python.extension()).isEqualTo(".py");
    assertThat(ShellCommand.resolve("pwsh", ALL::contains).argvFor("/t/s.ps1"))
        .containsExactly("pwsh", "-command", ". '/t/s.ps1'");
  }

  @Test
  void defaultIsBashWithoutPipefailFallingBackToSh() {
    assertThat(ShellCommand.resolve(null, ALL::contains).argvFor("x"))
        .containsExactly("bash", "-e", "x");
    assertThat(ShellCommand.resolve(null, Set.of("sh")::contains).argvFor("x"))
        .containsExactly("sh", "-e", "x");
  }

  @Test
  void customTemplatesKeepQuotedArgumentsTogether() {
    ShellCommand custom = ShellCommand.resolve("perl -w \"{0}\" 'two words'", ALL::contains);
    assertThat(custom.argvFor("/t/script")).containsExactly("perl", "-w", "/t/script", "two words");
    assertThat(custom.extension()).isEmpty();
  }

  @Test
  void refusesTemplatesWithoutThePlaceholderAndWindowsShells() {
    assertThatThrownBy(() -> ShellCommand.resolve("perl -w", ALL::contains))
        .isInstanceOfSatisfying(
            CiException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_SPEC))
        .hasMessageContaining("{0}");
    assertThatThrownBy(() -> ShellCommand.resolve("cmd", ALL::contains))
        .hasMessageContaining("Windows");
    assertThatThrownBy(() -> ShellCommand.resolve("x '{0}", ALL::contains))
        .hasMessageContaining("unbalanced");
  }
}
