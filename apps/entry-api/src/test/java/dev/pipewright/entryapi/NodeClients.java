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
 * The toolkit's real npm packages, installed under target/ once (kept between runs), and node
 * scripts of src/test/resources that drive them and print their result as a last {@code RESULT
 * <json>} line. Public for tests/e2e.
 */
public final class NodeClients {
  /** The version the issue names: upload-artifact@v4 and download-artifact@v4 bundle 2.x. */
  public static final String ARTIFACT_PACKAGE = "@actions/artifact@2.3.2";

  /** actions/cache@v4 bundles 4.x. */
  public static final String CACHE_PACKAGE = "@actions/cache@4.1.0";

  private static final ObjectMapper JSON = new ObjectMapper();

  private NodeClients() {}

  /**
   * The node_modules directory holding {@code pkg} ({@code name@version}); no registry, no test.
   */
  public static Path install(String pkg, String directory) throws Exception {
    Path dir = Path.of("target", directory).toAbsolutePath();
    String name = pkg.substring(0, pkg.lastIndexOf('@'));
    if (Files.isDirectory(dir.resolve("node_modules").resolve(name))) {
      return dir.resolve("node_modules");
    }
    Files.createDirectories(dir);
    Process npm =
        new ProcessBuilder(
                "npm",
                "install",
                "--no-save",
                "--no-audit",
                "--no-fund",
                "--prefix",
                dir.toString(),
                pkg)
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("npm.log").toFile())
            .start();
    boolean done = npm.waitFor(5, TimeUnit.MINUTES);
    if (!done) {
      npm.destroyForcibly();
    }
    Assumptions.assumeTrue(
        done && npm.exitValue() == 0,
        () -> "npm could not install " + pkg + " (no registry?): see " + dir.resolve("npm.log"));
    return dir.resolve("node_modules");
  }

  /**
   * Runs artifacts/client.js (the calls upload-artifact@v4 and download-artifact@v4 make) with
   * {@code token} against the results service at {@code baseUrl}, in {@code workspace}; the parsed
   * RESULT line.
   */
  static JsonNode runArtifactClient(
      Path nodeModules, String baseUrl, String token, Path workspace, String... args)
      throws Exception {
    return run(
        "/artifacts/client.js",
        nodeModules,
        Map.of("ACTIONS_RUNTIME_TOKEN", token, "ACTIONS_RESULTS_URL", baseUrl + "/"),
        workspace,
        args);
  }

  /** Runs the resource script {@code script} in {@code workspace}; the parsed RESULT line. */
  static JsonNode run(
      String script, Path nodeModules, Map<String, String> env, Path workspace, String... args)
      throws Exception {
    Path file = Path.of(NodeClients.class.getResource(script).toURI());
    List<String> command = new ArrayList<>(List.of("node", file.toString()));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).directory(workspace.toFile());
    // The toolkit takes a server other than github.com for GHES (cache config.ts isGhes).
    pb.environment().remove("GITHUB_SERVER_URL");
    pb.environment().put("NODE_PATH", nodeModules.toString());
    pb.environment().put("GITHUB_WORKSPACE", workspace.toString());
    pb.environment().putAll(env);
    pb.redirectErrorStream(true);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(5, TimeUnit.MINUTES)).isTrue();
    String result =
        out.lines()
            .filter(l -> l.startsWith("RESULT "))
            .reduce((a, b) -> b)
            .orElseThrow(() -> new AssertionError(script + " printed no result:\n" + out));
    JsonNode parsed = JSON.readTree(result.substring("RESULT ".length()));
    if (parsed instanceof com.fasterxml.jackson.databind.node.ObjectNode o) {
      o.put("output", out);
    }
    return parsed;
  }
}
