package dev.pipewright.executor.engine;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * A {@code docker://} step's {@code with: args} as the runner's {@code docker run} command line
 * splits it (ContainerActionHandler.cs passes it on unchanged; .NET's argument parsing).
 */
class CommandLineArgsTest {
  @Test
  void blanksSeparateAndDoubleQuotesGroup() {
    assertThat(CommandLineArgs.split("  -c \"echo a  b; exit 3\" x\"y z\"  "))
        .containsExactly("-c", "echo a  b; exit 3", "xy z");
    assertThat(CommandLineArgs.split("")).isEmpty();
    assertThat(CommandLineArgs.split("\"\" a")).containsExactly("", "a");
  }

  @Test
  void singleQuotesAreLiteralAndBackslashesEscapeOnlyQuotes() {
    assertThat(CommandLineArgs.split("'a b'")).containsExactly("'a", "b'");
    assertThat(CommandLineArgs.split("a\\\"b c\\d")).containsExactly("a\"b", "c\\d");
    assertThat(CommandLineArgs.split("\"x\\\\\" y")).containsExactly("x\\", "y");
  }
}
