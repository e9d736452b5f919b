package dev.pipewright.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class VariableOptionsTest {
  @Test
  void splitsAtTheFirstEqualsSign() {
    assertThat(VariableOptions.parse("--var", List.of("A=1", "B=x=y", "C="), Map.of()))
        .containsExactly(Map.entry("A", "1"), Map.entry("B", "x=y"), Map.entry("C", ""));
  }

  @Test
  void aBareSecretNameIsReadFromTheEnvironment() {
    assertThat(VariableOptions.parse("--secret", List.of("TOKEN"), Map.of("TOKEN", "s3cr3t")))
        .containsExactly(Map.entry("TOKEN", "s3cr3t"));
    assertThatThrownBy(() -> VariableOptions.parse("--secret", List.of("NOPE"), Map.of("X", "1")))
        .hasMessage("--secret NOPE: expected NAME=VALUE or a set $NOPE");
    assertThatThrownBy(() -> VariableOptions.parse("--var", List.of("=1"), Map.of()))
        .hasMessage("--var =1: expected NAME=VALUE");
  }
}
