package dev.pipewright.entryapi;

import dev.pipewright.dag.Workflows;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Validates workflows (parse and plan) and remembers which were valid. Builds of one pipeline
 * submit the same file again and again, and parsing costs milliseconds of CPU while a digest costs
 * microseconds, so admission pays the parser once per distinct (path, text). Only successes are
 * remembered: an invalid workflow is parsed again to report its diagnostics.
 */
final class WorkflowValidator {
  private final int capacity;
  private final Map<String, Boolean> valid;

  WorkflowValidator(int capacity) {
    this.capacity = capacity;
    this.valid = new LinkedHashMap<>(capacity, 0.75f, true);
  }

  /**
   * @throws dev.pipewright.parser.WorkflowException with every problem found
   */
  void validate(String yaml, String path) {
    String key = digest(path, yaml);
    synchronized (valid) {
      if (valid.containsKey(key)) {
        return;
      }
    }
    Workflows.load(yaml, path);
    synchronized (valid) {
      valid.put(key, Boolean.TRUE);
      if (valid.size() > capacity) {
        valid.remove(valid.keySet().iterator().next());
      }
    }
  }

  int size() {
    synchronized (valid) {
      return valid.size();
    }
  }

  static String digest(String path, String yaml) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(path.getBytes(StandardCharsets.UTF_8));
      sha.update((byte) 0);
      sha.update(yaml.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(sha.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
