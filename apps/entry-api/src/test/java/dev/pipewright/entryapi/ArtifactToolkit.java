package dev.pipewright.entryapi;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * The real {@code @actions/artifact} 2.x from npm, driven by src/test/resources/artifacts/client.js
 * as upload-artifact@v4 and download-artifact@v4 drive it.
 */
final class ArtifactToolkit {
  /** The version the issue names: upload-artifact@v4 and download-artifact@v4 bundle 2.x. */
  static final String PACKAGE = "@actions/artifact@2.3.2";

  static final Path CLIENT_DIR = Path.of("target", "artifact-client").toAbsolutePath();
  private static final ObjectMapper JSON = new ObjectMapper();

  private ArtifactToolkit() {}

  /** npm installs the package under target/ once; no registry, no test. */
  static void install() throws Exception {
    if (Files.isDirectory(CLIENT_DIR.resolve("node_modules/@actions/artifact"))) {
      return;
    }
    Files.createDirectories(CLIENT_DIR);
    Process npm =
        new ProcessBuilder(
                "npm",
                "install",
                "--no-save",
                "--no-audit",
                "--no-fund",
                "--prefix",
                CLIENT_DIR.toString(),
                PACKAGE)
            .redirectErrorStream(true)
            .redirectOutput(CLIENT_DIR.resolve("npm.log").toFile())
            .start();
    boolean done = npm.waitFor(5, TimeUnit.MINUTES);
    if (!done) {
      npm.destroyForcibly();
    }
    Assumptions.assumeTrue(
        done && npm.exitValue() == 0,
        () ->
            "npm could not install "
                + PACKAGE
                + " (no registry?): see "
                + CLIENT_DIR.resolve("npm.log"));
  }

  /**
   * Runs client.js with {@code token} against the results service at {@code baseUrl}, in {@code
   * workspace}; the parsed RESULT line.
   */
  static JsonNode run(String baseUrl, String token, Path workspace, String... args)
      throws Exception {
    List<String> command = new ArrayList<>(List.of("node", script().toString()));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).directory(workspace.toFile());
    Map<String, String> env = pb.environment();
    env.put("NODE_PATH", CLIENT_DIR.resolve("node_modules").toString());
    env.put("ACTIONS_RUNTIME_TOKEN", token);
    env.put("ACTIONS_RESULTS_URL", baseUrl + "/");
    env.put("GITHUB_WORKSPACE", workspace.toString());
    pb.redirectErrorStream(true);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(5, TimeUnit.MINUTES)).isTrue();
    String result =
        out.lines()
            .filter(l -> l.startsWith("RESULT "))
            .reduce((a, b) -> b)
            .orElseThrow(() -> new AssertionError("client.js printed no result:\n" + out));
    return JSON.readTree(result.substring("RESULT ".length()));
  }

  private static Path script() throws Exception {
    return Path.of(ArtifactToolkit.class.getResource("/artifacts/client.js").toURI());
  }
}
