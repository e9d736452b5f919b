package dev.pipewright.executor.host.container;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.Collection;
import java.util.Optional;

/**
 * Registry credentials of a job's containers as a Docker config ({@code {"auths": {registry:
 * {"auth": base64(user:password)}}}}): the file podman's {@code --authfile} reads and the content
 * of a Kubernetes {@code kubernetes.io/dockerconfigjson} Secret. The password never appears on a
 * command line.
 */
public final class RegistryAuth {
  private static final ObjectMapper JSON = new ObjectMapper();

  private RegistryAuth() {}

  /**
   * The registry an image reference names, as Docker reads it: its first component when that has a
   * {@code .} or a {@code :} or is {@code localhost}, else Docker Hub.
   */
  public static String registry(String image) {
    int slash = image.indexOf('/');
    if (slash > 0) {
      String first = image.substring(0, slash);
      if (first.contains(".") || first.contains(":") || first.equals("localhost")) {
        return first;
      }
    }
    return "docker.io";
  }

  /** The Docker config for the credentials of these containers; empty when none has any. */
  public static Optional<String> dockerConfig(Collection<ContainerConfig> containers) {
    ObjectNode auths = JSON.createObjectNode();
    for (ContainerConfig c : containers) {
      if (c.credentials() != null) {
        String token = c.credentials().username() + ":" + c.credentials().password();
        auths
            .putObject(registry(c.image()))
            .put(
                "auth", Base64.getEncoder().encodeToString(token.getBytes(StandardCharsets.UTF_8)));
      }
    }
    if (auths.isEmpty()) {
      return Optional.empty();
    }
    ObjectNode config = JSON.createObjectNode();
    config.set("auths", auths);
    return Optional.of(config.toString());
  }

  /**
   * Writes the Docker config of {@code containers} to a new file only its owner reads, in {@code
   * dir} (the job's temp directory), for {@code podman --authfile}.
   *
   * @return the file, which the caller deletes once the images are pulled; empty without
   *     credentials
   */
  static Optional<Path> writeAuthFile(Path dir, Collection<ContainerConfig> containers)
      throws IOException {
    Optional<String> config = dockerConfig(containers);
    if (config.isEmpty()) {
      return Optional.empty();
    }
    Files.createDirectories(dir);
    Path file =
        Files.createTempFile(
            dir,
            ".registry-auth-",
            ".json",
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.writeString(file, config.get(), StandardCharsets.UTF_8);
    return Optional.of(file);
  }
}
