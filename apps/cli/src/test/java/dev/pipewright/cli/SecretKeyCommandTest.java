package dev.pipewright.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pipewright.secrets.SecretKeys;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SecretKeyCommandTest {
  @Test
  void createPrintsOneKeyLineTheServicesAccept() {
    CliRun run = CliRun.of(Map.of(), "secret-key", "create", "--id", "k2");

    assertThat(run.exit()).isZero();
    assertThat(run.out()).matches("k2:[A-Za-z0-9+/]{43}=\\R");
    assertThat(SecretKeys.parse(run.out(), "stdout").ids()).containsExactly("k2");
    assertThat(CliRun.of(Map.of(), "secret-key", "create", "--id", "k2").out())
        .isNotEqualTo(run.out());
  }

  @Test
  void theDefaultIdIsTheTimeOfCreation() {
    CliRun run = CliRun.of(Map.of(), "secret-key", "create");

    assertThat(run.exit()).isZero();
    assertThat(run.out()).matches("key-\\d{8}-\\d{6}:[A-Za-z0-9+/]{43}=\\R");
  }

  @Test
  void anInvalidIdIsAUsageError() {
    CliRun run = CliRun.of(Map.of(), "secret-key", "create", "--id", "a b");

    assertThat(run.exit()).isEqualTo(ExitCodes.USAGE);
    assertThat(run.out()).isEmpty();
    assertThat(run.err()).contains("key id 'a b' must be 1 to 64 of");
  }
}
