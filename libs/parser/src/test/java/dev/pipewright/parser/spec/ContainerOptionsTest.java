package dev.pipewright.parser.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ContainerOptionsTest {

  @Test
  void takesEachSupportedOptionInItsLongShortAndEqualsForms() {
    ContainerOptions o =
        ContainerOptions.parse(
            "-u 1000:1000 --workdir=/src --entrypoint '/x y' -e A=1 --env=B=two=2 -h box", false);
    assertThat(o.user()).isEqualTo("1000:1000");
    assertThat(o.workdir()).isEqualTo("/src");
    assertThat(o.entrypoint()).isEqualTo("/x y");
    assertThat(o.env()).containsExactly(Map.entry("A", "1"), Map.entry("B", "two=2"));
    assertThat(o.hostname()).isEqualTo("box");
    assertThat(o.health()).isNull();
    assertThat(ContainerOptions.parse(null, true)).isEqualTo(ContainerOptions.NONE);
  }

  @Test
  void healthChecksTakeDockersDefaultsAndGoDurations() {
    // GitHub's documented service example (about-service-containers, postgres).
    ContainerOptions o =
        ContainerOptions.parse(
            "--health-cmd pg_isready --health-interval 10s --health-timeout 5s --health-retries 5",
            true);
    assertThat(o.health())
        .isEqualTo(
            new ContainerOptions.HealthCheck(
                "pg_isready", Duration.ofSeconds(10), Duration.ofSeconds(5), 5, Duration.ZERO));
    ContainerOptions.HealthCheck d =
        ContainerOptions.parse("--health-cmd \"redis-cli ping\" --health-start-period 1m30s", true)
            .health();
    assertThat(d.command()).isEqualTo("redis-cli ping");
    assertThat(d.interval()).isEqualTo(Duration.ofSeconds(30));
    assertThat(d.timeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(d.retries()).isEqualTo(3);
    assertThat(d.startPeriod()).isEqualTo(Duration.ofSeconds(90));
    assertThat(
            ContainerOptions.parse("--health-cmd x --health-interval 500ms", true)
                .health()
                .interval())
        .isEqualTo(Duration.ofMillis(500));
  }

  @Test
  void splitsWordsAsAShellDoes() {
    // gorm's mssql service (the corpus): escaped quotes inside a double-quoted value.
    assertThat(
            ContainerOptions.words(
                "--health-cmd=\"sqlcmd -Q \\\"SELECT 1\\\" || exit 1\" a\\ b 'c\\d' \"\\x\""))
        .containsExactly("--health-cmd=sqlcmd -Q \"SELECT 1\" || exit 1", "a b", "c\\d", "\\x");
  }

  @Test
  void unsupportedOptionsAreTheirOwnKindOfRefusal() {
    assertThatThrownBy(() -> ContainerOptions.parse("--dns 127.0.0.1", false))
        .isInstanceOf(ContainerOptions.Unsupported.class);
    assertThatThrownBy(() -> ContainerOptions.parse("--health-cmd true", false))
        .isInstanceOf(ContainerOptions.Unsupported.class);
    assertThatThrownBy(() -> ContainerOptions.parse("--health-cmd x --health-retries y", true))
        .isNotInstanceOf(ContainerOptions.Unsupported.class);
  }

  @Test
  void refusesWhatItCannotHonourNamingTheOption() {
    assertThatThrownBy(() -> ContainerOptions.parse("--cpus 1", true))
        .hasMessageStartingWith("'--cpus' is not supported");
    assertThatThrownBy(() -> ContainerOptions.parse("--health-cmd true", false))
        .hasMessageContaining("for services");
    assertThatThrownBy(() -> ContainerOptions.parse("--health-retries 2", true))
        .hasMessageContaining("needs --health-cmd");
    assertThatThrownBy(() -> ContainerOptions.parse("--health-cmd x --health-retries 0", true))
        .hasMessageContaining("not a number above 0");
    assertThatThrownBy(() -> ContainerOptions.parse("--health-cmd x --health-timeout 5", true))
        .hasMessageContaining("is not a duration");
    assertThatThrownBy(() -> ContainerOptions.parse("-e HOME", true))
        .hasMessageContaining("is not NAME=VALUE");
    assertThatThrownBy(() -> ContainerOptions.parse("--user", true))
        .hasMessage("--user needs a value");
    assertThatThrownBy(() -> ContainerOptions.parse("--user 'x", true))
        .hasMessageContaining("unterminated");
    assertThatThrownBy(() -> ContainerOptions.parse("-w src", true))
        .hasMessageContaining("not an absolute path");
    assertThatThrownBy(() -> ContainerOptions.parse("--hostname a_b", true))
        .hasMessageContaining("not a host name");
  }
}
