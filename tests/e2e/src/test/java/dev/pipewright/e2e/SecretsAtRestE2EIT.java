package dev.pipewright.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pipewright.api.ci.v1.Build;
import dev.pipewright.api.ci.v1.BuildStatus;
import dev.pipewright.api.ci.v1.CancelBuildRequest;
import dev.pipewright.api.ci.v1.ListBuildsRequest;
import dev.pipewright.api.ci.v1.Variable;
import dev.pipewright.executor.SecretEncodings;
import dev.pipewright.secrets.SecretKeys;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Secret values at rest, through the public API on the real services: while a build with a secret
 * runs, a {@code pg_dump} of its database holds only the sealed value; once it ended (succeeded,
 * failed or cancelled) not even that. Neither dump holds the value or any encoding the masker knows
 * (base64 at its three alignments among them), and the step still got the value.
 */
class SecretsAtRestE2EIT {
  private static final String KEY_ID = "e2e-k1";

  private static Path dir;
  private static Installation pw;

  @BeforeAll
  static void start() throws Exception {
    dir = Files.createTempDirectory("pw-e2e-secrets-");
    Path keyFile = Files.writeString(dir.resolve("secret.key"), SecretKeys.newKeyLine(KEY_ID));
    pw = new Installation("secrets", keyFile);
    // The default lease: these tests kill no worker, and a 2 s lease can lapse on a loaded machine.
    pw.startWorker(pw.workerConfig("secrets-worker", Map.of("PIPEWRIGHT_WORKER_TICK", "100ms")));
  }

  @AfterAll
  static void stop() throws Exception {
    if (pw != null) {
      pw.close();
    }
    try (var files = Files.list(dir)) {
      for (Path f : files.toList()) {
        Files.delete(f);
      }
    }
    Files.delete(dir);
  }

  /** A value long enough for every base64 alignment, with characters that encodings change. */
  private static String newSecret() {
    return "Hunter2/" + UUID.randomUUID() + " \"q\" & <x>";
  }

  /** The value and every form of it the masker knows: base64 at three alignments, JSON, URL... */
  private static Set<String> forms(String secret) {
    Set<String> forms = new LinkedHashSet<>(SecretEncodings.of(secret));
    forms.add(secret);
    return forms;
  }

  private static String sha256(String value) throws Exception {
    return HexFormat.of()
        .formatHex(
            MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8)));
  }

  /** Uses the secret (its hash proves the step got it), then waits for {@code gate} to appear. */
  private static String workflow(Path gate, String last) {
    return """
        on: push
        jobs:
          use:
            runs-on: ubuntu-latest
            steps:
              - name: Use
                env:
                  TOKEN: ${{ secrets.TOKEN }}
                run: |
                  echo "token is $TOKEN"
                  printf %%s "$TOKEN" | base64 -w0; echo
                  echo "sha256 $(printf %%s "$TOKEN" | sha256sum | cut -d' ' -f1)"
              - name: Wait
                run: while [ ! -e '%s' ]; do sleep 0.1; done
              - name: Last
                run: %s
        """
        .formatted(gate, last);
  }

  private static String start(String yaml, String secret) {
    return pw.start(
        yaml,
        Map.of(
            "TOKEN", Variable.newBuilder().setValue(secret).setSecret(true).build(),
            "MODE", Variable.newBuilder().setValue("plain").build()));
  }

  /** The whole database as {@code pg_dump} writes it (plain SQL, data included). */
  private static String pgDump() throws Exception {
    String database = pw.databaseUrl.substring(pw.databaseUrl.lastIndexOf('/') + 1);
    Process dump =
        new ProcessBuilder(
                "pg_dump", "-h", "127.0.0.1", "-U", "postgres", "--no-password", database)
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    String text = new String(dump.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(dump.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(dump.exitValue()).as("pg_dump exit code").isZero();
    assertThat(text).contains("COPY public.builds");
    return text;
  }

  /** The dump's lines that mention {@code buildId}: its row in builds, jobs, steps and logs. */
  private static List<String> linesOf(String dump, String buildId) {
    return dump.lines().filter(l -> l.contains(buildId)).toList();
  }

  private static void assertNoForm(String text, String secret, String what) {
    for (String form : forms(secret)) {
      assertThat(text).as("%s holds the secret as '%s'", what, form).doesNotContain(form);
    }
  }

  private static void awaitLog(String id, String text) {
    await()
        .atMost(Duration.ofSeconds(120))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> pw.logText(id, "use"), log -> log.contains(text));
  }

  private static void open(Path gate) throws IOException {
    Files.writeString(gate, "go");
  }

  @Test
  void aSecretIsOnlySealedWhileItsBuildRunsAndErasedWhenItSucceeds() throws Exception {
    String secret = newSecret();
    Path gate = dir.resolve("gate-" + UUID.randomUUID());
    String id = start(workflow(gate, "echo done"), secret);

    // The step got the value: it printed its hash.
    awaitLog(id, "sha256 " + sha256(secret));
    String whileRunning = pgDump();
    assertNoForm(whileRunning, secret, "the dump while the build runs");
    assertThat(linesOf(whileRunning, id))
        .as("the build's row holds its secret sealed with the key")
        .anySatisfy(line -> assertThat(line).contains("pws1:" + KEY_ID + ":"));

    open(gate);
    Build ended = pw.awaitEnd(id, Duration.ofSeconds(60));
    assertThat(ended.getStatus()).isEqualTo(BuildStatus.BUILD_STATUS_SUCCEEDED);

    String afterwards = pgDump();
    assertNoForm(afterwards, secret, "the dump after the build ended");
    assertThat(linesOf(afterwards, id)).isNotEmpty().noneMatch(l -> l.contains("pws1:"));
    // The log shows the mask where the value and its base64 were printed.
    String log = pw.logText(id, "use");
    assertThat(log).contains("token is ***");
    assertNoForm(log, secret, "the log");
    // No RPC returns a secret value.
    assertNoForm(pw.get(id).toString(), secret, "GetBuild");
    assertNoForm(
        pw.stub.listBuilds(ListBuildsRequest.newBuilder().setPipelineId("e2e").build()).toString(),
        secret,
        "ListBuilds");
  }

  @Test
  void aFailedBuildErasesItsSecretToo() throws Exception {
    String secret = newSecret();
    Path gate = dir.resolve("gate-" + UUID.randomUUID());
    String id = start(workflow(gate, "exit 3"), secret);
    awaitLog(id, "sha256 " + sha256(secret));
    open(gate);

    Build ended = pw.awaitEnd(id, Duration.ofSeconds(60));

    assertThat(ended.getStatus()).isEqualTo(BuildStatus.BUILD_STATUS_FAILED);
    String dump = pgDump();
    assertNoForm(dump, secret, "the dump after the build failed");
    assertThat(linesOf(dump, id)).isNotEmpty().noneMatch(l -> l.contains("pws1:"));
  }

  @Test
  void aCancelledBuildErasesItsSecretToo() throws Exception {
    String secret = newSecret();
    Path gate = dir.resolve("gate-never-opened-" + UUID.randomUUID());
    String id = start(workflow(gate, "echo never"), secret);
    awaitLog(id, "sha256 " + sha256(secret));

    pw.stub.cancelBuild(CancelBuildRequest.newBuilder().setBuildId(id).build());
    Build ended = pw.awaitEnd(id, Duration.ofSeconds(60));

    assertThat(ended.getStatus()).isEqualTo(BuildStatus.BUILD_STATUS_CANCELLED);
    String dump = pgDump();
    assertNoForm(dump, secret, "the dump after the build was cancelled");
    assertThat(linesOf(dump, id)).isNotEmpty().noneMatch(l -> l.contains("pws1:"));
  }
}
