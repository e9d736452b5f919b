package dev.pipewright.executor.host.container;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pipewright.parser.spec.ContainerSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RegistryAuthTest {
  @TempDir Path dir;

  private static ContainerConfig withCredentials(String image, String user, String password) {
    return ContainerConfig.of(
        "b",
        new ContainerSpec(
            image,
            Map.of("username", user, "password", password),
            Map.of(),
            List.of(),
            List.of(),
            null));
  }

  @Test
  void registryIsTheFirstComponentWhenItLooksLikeAHost() {
    assertThat(RegistryAuth.registry("ghcr.io/acme/app:1")).isEqualTo("ghcr.io");
    assertThat(RegistryAuth.registry("localhost:5000/app")).isEqualTo("localhost:5000");
    assertThat(RegistryAuth.registry("localhost/app")).isEqualTo("localhost");
    assertThat(RegistryAuth.registry("acme/app")).isEqualTo("docker.io");
    assertThat(RegistryAuth.registry("postgres:16")).isEqualTo("docker.io");
  }

  @Test
  void theAuthFileHoldsEachRegistrysLoginReadableByItsOwnerOnly() throws Exception {
    Path file =
        RegistryAuth.writeAuthFile(
                dir,
                List.of(
                    withCredentials("ghcr.io/acme/app", "robot", "s3cret"),
                    withCredentials("postgres", "hub", "pw"),
                    ContainerConfig.of(
                        "b", new ContainerSpec("redis", null, null, null, null, null))))
            .orElseThrow();
    assertThat(Files.readString(file))
        .isEqualTo(
            "{\"auths\":{\"ghcr.io\":{\"auth\":\"cm9ib3Q6czNjcmV0\"},"
                + "\"docker.io\":{\"auth\":\"aHViOnB3\"}}}");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
    assertThat(
            RegistryAuth.writeAuthFile(
                dir,
                List.of(
                    ContainerConfig.of(
                        "b", new ContainerSpec("redis", null, null, null, null, null)))))
        .isEmpty();
  }
}
