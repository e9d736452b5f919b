package dev.pipewright.entryapi;

import dev.pipewright.actions.ActionResolver;
import dev.pipewright.actions.ManifestReader;
import dev.pipewright.capabilities.ActionManifests;
import dev.pipewright.capabilities.Capabilities;
import dev.pipewright.capabilities.Target;
import dev.pipewright.dag.Workflows;
import dev.pipewright.models.CiException;
import dev.pipewright.models.ErrorCode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Validates workflows (parse, plan, and what the installation's executor can run: {@link
 * Capabilities}, remote actions judged by their manifests when a source of them is configured, each
 * fetched once per validation) and remembers which were valid. Builds of one pipeline submit the
 * same file again and again, and parsing costs milliseconds of CPU while a digest costs
 * microseconds, so admission pays the parser once per distinct (path, text). Only successes are
 * remembered: an invalid workflow is parsed again to report its diagnostics.
 *
 * <p>At most {@code parallelism} parses run at once; other calls wait their turn. Parsing is
 * CPU-bound, so more at once than there are processors only adds memory: a workflow at the parser's
 * limits holds up to about 100 MB while it is parsed, and 60 at once would need 6 GB.
 */
final class WorkflowValidator {
  /** How long a call waits for its turn before it is refused as retryable. */
  static final Duration MAX_WAIT = Duration.ofSeconds(30);

  /** Admission has the workflow file alone: its local actions are read when their steps run. */
  static final String NO_REPOSITORY = "admission is given the workflow file, not its repository";

  private final Target target;
  private final Supplier<ActionManifests> manifests;
  private final int capacity;
  private final Map<String, Boolean> valid;
  private final Semaphore parsing;
  private final Duration maxWait;

  /** A validator that reads no action manifest: each action is a warning. */
  WorkflowValidator(Target target, int capacity) {
    this(target, null, capacity);
  }

  /**
   * @param actions reads the manifests of remote actions, or null to read none
   */
  WorkflowValidator(Target target, ActionResolver actions, int capacity) {
    this(target, actions, capacity, Runtime.getRuntime().availableProcessors(), MAX_WAIT);
  }

  /** A validator that reads no action manifest, with its own limits. */
  WorkflowValidator(Target target, int capacity, int parallelism, Duration maxWait) {
    this(target, null, capacity, parallelism, maxWait);
  }

  /**
   * @param parallelism how many parses may run at once
   * @param maxWait how long a call waits for its turn
   */
  private WorkflowValidator(
      Target target, ActionResolver actions, int capacity, int parallelism, Duration maxWait) {
    this.target = target;
    // Each validation reads each reference once, and the next one reads a tag again (it moves).
    this.manifests =
        () ->
            ActionManifests.once(
                new ManifestReader(
                    null,
                    NO_REPOSITORY,
                    actions,
                    "the entry API has no source of remote actions configured"));
    this.capacity = capacity;
    this.valid = new LinkedHashMap<>(capacity, 0.75f, true);
    this.parsing = new Semaphore(parallelism, true);
    this.maxWait = maxWait;
  }

  /**
   * @throws dev.pipewright.parser.WorkflowException with every problem found: the parser's, else
   *     the planner's, else every error of the workflow on the target
   * @throws CiException TRANSIENT when no parse could start in time
   */
  void validate(String yaml, String path) {
    String key = digest(path, yaml);
    synchronized (valid) {
      if (valid.containsKey(key)) {
        return;
      }
    }
    awaitTurn();
    try {
      Capabilities.require(Workflows.load(yaml, path).spec(), target, manifests.get());
    } finally {
      parsing.release();
    }
    synchronized (valid) {
      valid.put(key, Boolean.TRUE);
      if (valid.size() > capacity) {
        valid.remove(valid.keySet().iterator().next());
      }
    }
  }

  private void awaitTurn() {
    try {
      if (!parsing.tryAcquire(maxWait.toNanos(), TimeUnit.NANOSECONDS)) {
        throw new CiException(
            ErrorCode.TRANSIENT, "too many workflows are being validated at once; retry later");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CiException(ErrorCode.CANCELLED, "interrupted while waiting to validate", e);
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
