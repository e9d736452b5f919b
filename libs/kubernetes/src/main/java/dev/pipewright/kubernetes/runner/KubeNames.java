package dev.pipewright.kubernetes.runner;

import dev.pipewright.executor.JobRef;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Deterministic Kubernetes names and label values, so a restarted worker finds what an earlier one
 * created and a repeated start cannot create a twin.
 */
public final class KubeNames {
  public static final String MANAGED_BY = "app.kubernetes.io/managed-by";
  public static final String MANAGER = "pipewright";

  /**
   * Which installation an object belongs to ({@code kubernetes.installation}): every watch and list
   * of a worker selects its own, so installations sharing a namespace never touch each other's
   * objects.
   */
  public static final String INSTALLATION_LABEL = "pipewright.dev/installation";

  public static final String BUILD_LABEL = "pipewright.dev/build";
  public static final String JOB_LABEL = "pipewright.dev/job";
  public static final String JOB_NAME_LABEL = "pipewright.dev/job-name";
  public static final String ATTEMPT_LABEL = "pipewright.dev/attempt";
  public static final String JOB_KEY_ANNOTATION = "pipewright.dev/job-key";
  public static final String BUILD_ANNOTATION = "pipewright.dev/build-id";

  static final int MAX_NAME = 63;
  private static final int HASH_CHARS = 10;

  private KubeNames() {}

  /** The labels every object of the installation carries: PipelineRuns, Jobs, Pods, Secrets. */
  public static Map<String, String> ownLabels(String installation) {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put(MANAGED_BY, MANAGER);
    labels.put(INSTALLATION_LABEL, installation);
    return labels;
  }

  /** The label selector of {@link #ownLabels}: what the installation's watches and lists ask. */
  public static String selector(String installation) {
    return ownLabels(installation).entrySet().stream()
        .map(e -> e.getKey() + "=" + e.getValue())
        .collect(Collectors.joining(","));
  }

  /** The Job of one attempt of a job instance: {@code pw-<build>-<job>[-a<attempt>]}. */
  public static String jobName(JobRef ref, int attempt) {
    String raw = "pw-" + ref.buildId() + "-" + ref.jobKey() + (attempt > 1 ? "-a" + attempt : "");
    return dnsLabel(raw, MAX_NAME);
  }

  /** The Job of a job's docker step: the job's Job name and the engine's command id. */
  public static String stepJobName(String jobName, String commandId) {
    return dnsLabel(jobName + "-" + commandId, MAX_NAME);
  }

  /** A label value (≤ 63 chars of {@code [A-Za-z0-9-_.]}, alphanumeric at both ends). */
  public static String labelValue(String raw) {
    String cleaned = raw.replaceAll("[^A-Za-z0-9._-]", "-");
    String trimmed = trimEnds(cleaned);
    if (trimmed.equals(raw) && raw.length() <= MAX_NAME) {
      return raw;
    }
    return withHash(trimmed, raw, MAX_NAME);
  }

  /**
   * A DNS-1123 label: lower case alphanumerics and '-', alphanumeric at both ends, at most {@code
   * max} chars. A name that had to be changed gets a hash of the original appended, so two
   * different inputs never collide after cleaning.
   */
  static String dnsLabel(String raw, int max) {
    String lowered = raw.toLowerCase(Locale.ROOT);
    String cleaned = trimEnds(lowered.replaceAll("[^a-z0-9-]+", "-").replaceAll("-{2,}", "-"));
    if (cleaned.equals(raw) && cleaned.length() <= max) {
      return cleaned;
    }
    return withHash(cleaned, raw, max);
  }

  private static String withHash(String cleaned, String raw, int max) {
    String hash = sha256(raw).substring(0, HASH_CHARS);
    int keep = Math.min(cleaned.length(), max - HASH_CHARS - 1);
    String head = trimEnds(cleaned.substring(0, keep));
    return head.isEmpty() ? "x" + hash : head + "-" + hash;
  }

  private static String trimEnds(String s) {
    int from = 0;
    int to = s.length();
    while (from < to && !Character.isLetterOrDigit(s.charAt(from))) {
      from++;
    }
    while (to > from && !Character.isLetterOrDigit(s.charAt(to - 1))) {
      to--;
    }
    return s.substring(from, to);
  }

  static String sha256(String s) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }
}
