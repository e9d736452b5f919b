package dev.pipewright.executor.host.container;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pipewright.models.CiException;
import dev.pipewright.models.ErrorCode;
import dev.pipewright.parser.spec.ContainerSpec;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ContainerConfigTest {

  private static ContainerSpec spec(String options) {
    return new ContainerSpec("img:1", Map.of(), Map.of(), List.of(), List.of(), options);
  }

  @Test
  void takesUserWorkdirAndEntrypointInEitherForm() {
    ContainerConfig c =
        ContainerConfig.of("build", spec("--user 1000:1000 --workdir=/src --entrypoint '/x y'"));
    assertThat(c.user()).isEqualTo("1000:1000");
    assertThat(c.workdir()).isEqualTo("/src");
    assertThat(c.entrypoint()).isEqualTo("/x y");
    assertThat(ContainerConfig.of("build", spec("-u root -w /w")).user()).isEqualTo("root");
  }

  @Test
  void refusesOtherOptionsNamingTheJob() {
    assertThatThrownBy(() -> ContainerConfig.of("build", spec("--cpus 1 --privileged")))
        .isInstanceOf(CiException.class)
        .hasMessageContaining("job 'build'")
        .hasMessageContaining("'--cpus' is not supported")
        .satisfies(e -> assertThat(((CiException) e).code()).isEqualTo(ErrorCode.INVALID_SPEC));
    assertThatThrownBy(() -> ContainerConfig.of("b", spec("--user")))
        .hasMessageContaining("--user needs a value");
    assertThatThrownBy(() -> ContainerConfig.of("b", spec("--user 'x")))
        .hasMessageContaining("unterminated");
    assertThatThrownBy(() -> ContainerConfig.of("b", spec("--workdir src")))
        .hasMessageContaining("not an absolute path");
  }

  @Test
  void takesCredentialsWhenBothAreGivenAndHidesThePassword() {
    ContainerConfig c =
        ContainerConfig.of(
            "b",
            new ContainerSpec(
                "ghcr.io/acme/img",
                Map.of("username", "u", "password", "p4ss"),
                Map.of(),
                List.of(),
                List.of(),
                null));
    assertThat(c.credentials()).isEqualTo(new ContainerConfig.Credentials("u", "p4ss"));
    assertThat(c.credentials().toString()).doesNotContain("p4ss");
    // As ContainerOperationProvider.ContainerRegistryLogin: no login without both.
    assertThat(
            ContainerConfig.of(
                    "b",
                    new ContainerSpec(
                        "img", Map.of("username", "u"), Map.of(), List.of(), List.of(), null))
                .credentials())
        .isNull();
    assertThatThrownBy(
            () -> ContainerConfig.of("b", new ContainerSpec(" ", null, null, null, null, null)))
        .hasMessageContaining("container.image is empty");
  }

  @Test
  void optionsEnvIsLaidOverEnvAndServicesTakeHealthChecks() {
    ContainerConfig c =
        ContainerConfig.validate(
            "job 'b': services.db",
            new ContainerSpec(
                "pg",
                null,
                Map.of("A", "env", "B", "env"),
                List.of("8080:80", "5432/udp"),
                null,
                "-e B=option --health-cmd pg_isready"),
            true);
    assertThat(c.env()).containsEntry("A", "env").containsEntry("B", "option");
    assertThat(c.health().command()).isEqualTo("pg_isready");
    assertThat(c.containerPorts()).containsExactly("80/tcp", "5432/udp");
    assertThatThrownBy(
            () ->
                ContainerConfig.of(
                    "b", new ContainerSpec("img", null, null, null, null, "--health-cmd true")))
        .hasMessage(
            "job 'b': container.options: --health-cmd is for services: nothing waits on a job"
                + " container's health");
  }

  @Test
  void volumesAreNamedOrAnonymousNeverTheWorkersDirectories() {
    ContainerConfig ok =
        ContainerConfig.of(
            "b",
            new ContainerSpec(
                "img", null, null, null, List.of("cache:/cache:ro", "/scratch"), null));
    assertThat(ok.volumes()).containsExactly("cache:/cache:ro", "/scratch");
    for (String bad :
        List.of("/etc:/host-etc", "./src:/src", "v:/github/workspace", "v:/", "v:rel")) {
      assertThatThrownBy(
              () ->
                  ContainerConfig.of(
                      "b", new ContainerSpec("img", null, null, null, List.of(bad), null)))
          .as(bad)
          .isInstanceOf(CiException.class)
          .hasMessageContaining("container.volumes");
    }
  }

  @Test
  void portsAndEnvAreChecked() {
    ContainerConfig ok =
        ContainerConfig.of(
            "b",
            new ContainerSpec(
                "img",
                null,
                Map.of("A", "1"),
                List.of("80", "8080:80", "127.0.0.1:8080:80/tcp", "9000-9010"),
                null,
                null));
    assertThat(ok.ports()).hasSize(4);
    assertThatThrownBy(
            () ->
                ContainerConfig.of(
                    "b", new ContainerSpec("img", null, null, List.of("http"), null, null)))
        .hasMessageContaining("container.ports");
    assertThatThrownBy(
            () ->
                ContainerConfig.of(
                    "b", new ContainerSpec("img", null, Map.of("A", "x\ny"), null, null, null)))
        .hasMessageContaining("container.env.A");
    assertThatThrownBy(
            () ->
                ContainerConfig.of(
                    "b", new ContainerSpec("img", null, Map.of("A-B", "x"), null, null, null)))
        .hasMessageContaining("not a variable name");
  }
}
