package dev.pipewright.kubernetes.it;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the environment names a real cluster for the {@code *E2E} tests: {@code
 * PIPEWRIGHT_E2E_KUBECONFIG}, {@code PIPEWRIGHT_E2E_WORKSPACE_CLAIM} and {@code
 * PIPEWRIGHT_E2E_WORKSPACE_PATH} (the PVC's volume mounted on this machine, a directory), and what
 * else a test needs. Shared with other modules' E2E tests through this module's test-jar.
 */
public final class E2eCluster {
  private static final Logger LOG = LoggerFactory.getLogger(E2eCluster.class);

  private E2eCluster() {}

  /**
   * True when every variable is set and the workspace path is a directory; otherwise logs, as a
   * warning, which is missing and {@code skipped} (how to run the test).
   */
  public static boolean named(String test, String skipped, String... alsoNeeded) {
    Map<String, String> env = System.getenv();
    List<String> names =
        new ArrayList<>(
            List.of(
                "PIPEWRIGHT_E2E_KUBECONFIG",
                "PIPEWRIGHT_E2E_WORKSPACE_CLAIM",
                "PIPEWRIGHT_E2E_WORKSPACE_PATH"));
    names.addAll(List.of(alsoNeeded));
    for (String name : names) {
      if (env.getOrDefault(name, "").isBlank()) {
        LOG.warn("{} skipped: {} is not set. {}", test, name, skipped);
        return false;
      }
    }
    if (!Files.isDirectory(Path.of(env.get("PIPEWRIGHT_E2E_WORKSPACE_PATH")))) {
      LOG.warn(
          "{} skipped: PIPEWRIGHT_E2E_WORKSPACE_PATH {} is not a directory",
          test,
          env.get("PIPEWRIGHT_E2E_WORKSPACE_PATH"));
      return false;
    }
    return true;
  }
}
