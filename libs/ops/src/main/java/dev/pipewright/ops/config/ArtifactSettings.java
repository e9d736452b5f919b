package dev.pipewright.ops.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The {@code artifacts.*} and {@code caches.*} keys of the artifact and cache services; in the
 * order CONFIGURATION.md lists them.
 */
final class ArtifactSettings {
  private ArtifactSettings() {}

  static final Setting<Path> BLOB_ROOT =
      Setting.computed(
          "artifacts.blob-root",
          "PIPEWRIGHT_BLOB_ROOT",
          Parsers.path(),
          () -> Path.of(System.getProperty("java.io.tmpdir"), "pipewright-blobs").toString(),
          "`<java.io.tmpdir>/pipewright-blobs`",
          "where the entry API keeps artifact bytes (content-addressed, `sha256/`); every entry API"
              + " replica mounts the same directory (on Kubernetes a ReadWriteMany volume)");
  static final Setting<String> RESULTS_URL =
      Setting.of(
          "artifacts.results-url",
          "PIPEWRIGHT_RESULTS_URL",
          Parsers.text(),
          "",
          "the entry API's HTTP base URL as jobs reach it (on Kubernetes its Service, e.g."
              + " `http://pipewright-entry-api:8080`): workers with the secret key file give every"
              + " job `ACTIONS_RUNTIME_TOKEN` and this URL as `ACTIONS_RESULTS_URL` and"
              + " `ACTIONS_CACHE_URL`, and signed artifact and cache URLs point there. Empty: jobs"
              + " get neither, and signed URLs use the address each request came to. A loopback"
              + " URL reaches jobs in podman containers (`container:` outside Kubernetes) as"
              + " `host.containers.internal`, podman's name for the machine, where the entry API"
              + " must then listen too (`listeners.bind-address`; the job's log says when nothing"
              + " answers there)");
  static final Setting<Integer> ARTIFACT_RETENTION_DAYS =
      Setting.of(
          "artifacts.retention-days",
          "PIPEWRIGHT_ARTIFACT_RETENTION_DAYS",
          Parsers.positiveInt(),
          "90",
          "days an artifact is kept when its upload names no `retention-days` (GitHub's default),"
              + " and the most one may ask for");
  static final Setting<Duration> ARTIFACT_SWEEP_PERIOD =
      Setting.of(
          "artifacts.sweep-period",
          "PIPEWRIGHT_ARTIFACT_SWEEP_PERIOD",
          Parsers.duration(),
          "10m",
          "how often expired artifacts, abandoned uploads and the least recently used caches over"
              + " `caches.max-bytes-per-repository` are deleted (each deletion is logged)");
  static final Setting<Long> CACHE_BYTES_PER_REPOSITORY =
      Setting.of(
          "caches.max-bytes-per-repository",
          "PIPEWRIGHT_CACHE_MAX_BYTES_PER_REPOSITORY",
          Parsers.byteSize(),
          "10GiB",
          "cache bytes kept per repository (GitHub's 10 GB): past it the sweep deletes the least"
              + " recently used caches of the repository until it is under");
  static final Setting<String> CACHE_DEFAULT_REF =
      Setting.of(
          "caches.default-ref",
          "PIPEWRIGHT_CACHE_DEFAULT_REF",
          Parsers.text(),
          "refs/heads/main",
          "the ref whose caches a build of any other ref may restore (GitHub: the default"
              + " branch); a build saves to its own ref");

  static final List<Setting<?>> ALL =
      List.of(
          BLOB_ROOT,
          RESULTS_URL,
          ARTIFACT_RETENTION_DAYS,
          ARTIFACT_SWEEP_PERIOD,
          CACHE_BYTES_PER_REPOSITORY,
          CACHE_DEFAULT_REF);
}
