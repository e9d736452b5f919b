package dev.pipewright.cli.training;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Server;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The commands bin/pipewright runs on target/client-classpath.txt (the jars of a client, without
 * those of the servers, Kubernetes and the database) find every class they need there: each runs in
 * a JVM of its own on that class path against a {@link TrainingServer}, in its output formats. A
 * missing jar shows as a NoClassDefFoundError, which picocli's handler turns into "internal error".
 */
class ClientClasspathIT {
  private static Server server;
  private static String classPath;

  @BeforeAll
  static void start() throws IOException {
    server = TrainingServer.start(0);
    Path target = Path.of("target");
    Path jar;
    try (Stream<Path> files = Files.list(target)) {
      jar =
          files
              .filter(f -> f.getFileName().toString().matches("cli-[^-]+(-SNAPSHOT)?\\.jar"))
              .findFirst()
              .orElseThrow();
    }
    classPath = jar + ":" + Files.readString(target.resolve("client-classpath.txt")).strip();
  }

  @AfterAll
  static void stop() throws InterruptedException {
    server.shutdownNow().awaitTermination();
  }

  private record Run(int exit, String out, String err) {}

  private static Run pipewright(String... args) throws IOException, InterruptedException {
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dslf4j.provider=org.slf4j.helpers.NOP_FallbackServiceProvider",
                "-cp",
                classPath,
                "dev.pipewright.cli.Main"));
    command.addAll(List.of(args));
    Path err = Files.createTempFile("pipewright", ".err");
    try {
      Process process =
          new ProcessBuilder(command)
              .redirectError(err.toFile())
              .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
              .start();
      String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      int exit = process.waitFor();
      return new Run(exit, out, Files.readString(err));
    } finally {
      Files.deleteIfExists(err);
    }
  }

  private static String server() {
    return "127.0.0.1:" + server.getPort();
  }

  @Test
  void theTrainedCommandsSucceedInEveryOutputFormat() throws Exception {
    String build = TrainingServer.BUILD_ID.substring(0, 8);
    List<String[]> commands =
        List.of(
            new String[] {"--version"},
            new String[] {"list", "--server", server(), "-o", "json"},
            new String[] {"list", "--server", server(), "-o", "yaml"},
            new String[] {"list", "--server", server(), "-o", "wide"},
            new String[] {"status", build, "--server", server(), "-o", "json"},
            new String[] {"status", build, "--server", server()},
            new String[] {"logs", build, "--server", server(), "-o", "json"},
            new String[] {"watch", build, "--server", server()});
    for (String[] command : commands) {
      Run run = pipewright(command);

      assertThat(run.exit()).as(String.join(" ", command) + ": " + run.err()).isZero();
      assertThat(run.out()).as(String.join(" ", command)).isNotBlank();
    }
  }

  @Test
  void callsTheTrainingServerDoesNotAnswerFailWithTheApiError() throws Exception {
    String build = TrainingServer.BUILD_ID.substring(0, 8);
    for (String[] command :
        List.of(
            new String[] {"artifacts", build, "--server", server()},
            new String[] {"cancel", build, "--server", server()},
            new String[] {"rerun", build, "--server", server()})) {
      Run run = pipewright(command);

      assertThat(run.exit()).as(String.join(" ", command) + ": " + run.err()).isEqualTo(1);
      assertThat(run.err())
          .as(String.join(" ", command))
          .contains("does not serve the Pipewright API")
          .doesNotContain("internal error");
    }
  }
}
