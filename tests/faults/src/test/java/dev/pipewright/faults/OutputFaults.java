package dev.pipewright.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pipewright.api.ci.v1.Build;
import dev.pipewright.api.ci.v1.BuildStatus;
import dev.pipewright.api.ci.v1.LogChunk;
import dev.pipewright.api.ci.v1.Variable;
import dev.pipewright.e2e.Installation;
import dev.pipewright.secrets.SecretKeys;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What steps print: bytes the database refuses, huge lines, floods, secrets in disguise. */
final class OutputFaults {
  private static final Logger LOG = LoggerFactory.getLogger(OutputFaults.class);

  /**
   * The per-step cap the abuse scenario's worker runs with: above the 2 MiB line, below the flood.
   */
  private static final String STEP_LIMIT = "3MiB";

  /** Quotes, shell and URL metacharacters, a slash and a plus: each encoding changes it. */
  static final String SECRET = "Hunter2+/=~ p@ss'w\"d$&?x";

  private OutputFaults() {}

  /**
   * One job: a step printing a NUL between numbered lines, one printing a 2 MiB line between them,
   * one printing 6 MB past the worker's 3 MiB cap and exiting 7 (continue-on-error), and a last
   * step. The NUL is stored visibly escaped, the long line split with continuation markers and
   * nothing of it lost, the flood cut with a marker while its exit code is kept, and the job goes
   * on.
   */
  static Figures outputAbuse() throws Exception {
    try (Installation pw = new Installation("output");
        Ledger ledger = new Ledger()) {
      pw.startWorker(
          pw.workerConfig(
              "w",
              Map.of("PIPEWRIGHT_STEP_LOG_LIMIT", STEP_LIMIT, "PIPEWRIGHT_WORKER_TICK", "100ms")));
      List<String> nul = around(ledger, "n", "printf 'before\\0after\\n'");
      List<String> longLine = around(ledger, "l", "head -c 2097152 /dev/zero | tr '\\0' x; echo");
      List<String> flood =
          List.of(
              ledger.record("start", "f"),
              "echo \"f attempt\"",
              "for i in $(seq 1 5); do echo \"f $i\"; done",
              "yes 'flood flood flood flood flood flood flood flood flood flood' | head -c 6000000",
              ledger.record("end", "f"),
              "exit 7");
      String id =
          pw.start(
              """
              on: push
              jobs:
                abuse:
                  runs-on: ubuntu-latest
                  steps:
                    - run: |
              %s
                    - run: |
              %s
                    - continue-on-error: true
                      run: |
              %s
                    - run: |
              %s
              """
                  .formatted(
                      Probe.block(nul, 10),
                      Probe.block(longLine, 10),
                      Probe.block(flood, 10),
                      Probe.block(ledger.countingStep("last", 3, "0"), 10)));
      int lost = Probe.lost(pw, id, BuildStatus.BUILD_STATUS_SUCCEEDED);
      Build build = pw.get(id);
      String log = pw.logText(id, "abuse");
      Ledger.LineCount lines =
          Ledger.lines(log, "n", 10)
              .plus(Ledger.lines(log, "l", 10))
              .plus(Ledger.lines(log, "f", 5))
              .plus(Ledger.lines(log, "last", 3));
      assertThat(log).contains("before\u2400after\n");
      // The 2 MiB line: split, every byte kept, each piece after the first marked.
      String second =
          pw.logs(id).stream()
              .filter(c -> c.getStepNumber() == 2)
              .map(LogChunk::getContent)
              .collect(Collectors.joining());
      assertThat(second.chars().filter(c -> c == 'x').count()).isEqualTo(2097152);
      assertThat(second).contains("\n##[continued]xxxx");
      assertThat(log).contains("This step's log reached its limit", "were not stored");
      // continue-on-error: the step's conclusion is success, its exit code stays 7.
      assertThat(Installation.job(build, "abuse").getSteps(2).getExitCode()).isEqualTo(7);
      assertThat(ledger.neverEnded(Set.of("n", "l", "f", "last"))).isEmpty();
      return new Figures(
          "output abuse (NUL, 2 MiB line, past the step cap)",
          lost,
          ledger.runTwice(),
          lines.lost(),
          lines.duplicated(),
          0,
          Optional.empty(),
          Optional.empty());
    }
  }

  /** A counted step of 10 lines with {@code middle} run between line 5 and line 6. */
  private static List<String> around(Ledger ledger, String stepId, String middle) {
    return List.of(
        ledger.record("start", stepId),
        "echo \"" + stepId + " attempt\"",
        "for i in $(seq 1 5); do echo \"" + stepId + " $i\"; done",
        middle,
        "for i in $(seq 6 10); do echo \"" + stepId + " $i\"; done",
        ledger.record("end", stepId));
  }

  /**
   * A step prints a secret plainly, in base64 after 0, 1 and 2 bytes of other text, JSON-escaped
   * (Python's json.dumps), URL-encoded (urllib's quote) and shell-escaped (printf %q), and writes
   * the last three to a file outside the workspace too. Neither GetBuildLogs nor the HTTP log route
   * may show any of those forms (nor base64 of the secret from each of its first three bytes, cut
   * to the characters that depend on the secret alone); each form found counts as a leak.
   */
  static Figures secretsInEveryEncoding() throws Exception {
    Path keyFile = Files.createTempFile("pw-faults-secret", ".key");
    Files.writeString(keyFile, SecretKeys.newKeyLine("faults"));
    try (Installation pw = new Installation("secrets", keyFile);
        Ledger ledger = new Ledger()) {
      pw.startWorker(pw.workerConfig("w", Map.of()));
      String forms = ledger.dir().resolve("forms").toString();
      List<String> script =
          List.of(
              "echo \"plain: $S\"",
              "for p in '' a ab; do printf '%s' \"$p$S\" | base64 -w0; echo; done",
              "printf '%s' \"$S\" | python3 -c 'import json,sys; print(json.dumps(sys.stdin.read())[1:-1])' | tee "
                  + forms,
              "printf '%s' \"$S\" | python3 -c 'import urllib.parse,sys; print(urllib.parse.quote(sys.stdin.read(), safe=\"\"))' | tee -a "
                  + forms,
              "printf '%q\\n' \"$S\" | tee -a " + forms);
      String yaml =
          """
          on: push
          jobs:
            j:
              runs-on: ubuntu-latest
              env:
                S: ${{ secrets.TOKEN }}
              steps:
                - run: |
          %s
          """
              .formatted(Probe.block(script, 10));
      String id =
          pw.start(
              yaml,
              Map.of("TOKEN", Variable.newBuilder().setValue(SECRET).setSecret(true).build()));
      int lost = Probe.lost(pw, id, BuildStatus.BUILD_STATUS_SUCCEEDED);
      assertThat(lost).as("the build did not succeed: %s", pw.get(id)).isZero();
      List<String> leakForms = new ArrayList<>(Files.readAllLines(ledger.dir().resolve("forms")));
      assertThat(leakForms).as("forms the step wrote").hasSize(3).doesNotContain(SECRET);
      leakForms.add(SECRET);
      leakForms.addAll(base64Forms(SECRET));
      String grpc = pw.logText(id, "j");
      String http = httpLog(pw, id);
      assertThat(grpc).contains("plain: ***");
      assertThat(http).contains("plain: ***");
      int leaked = 0;
      for (int i = 0; i < leakForms.size(); i++) {
        String form = leakForms.get(i);
        for (String log : List.of(grpc, http)) {
          if (log.contains(form)) {
            leaked++;
            LOG.warn("Secret form {} ({} chars) in the log:\n{}", i, form.length(), log);
          }
        }
      }
      return new Figures(
          "secrets in every encoding", lost, 0, 0, 0, leaked, Optional.empty(), Optional.empty());
    } finally {
      Files.deleteIfExists(keyFile);
    }
  }

  /**
   * Base64 of the secret's bytes from offset 0, 1 and 2, cut where the next character would also
   * depend on what follows: what any text containing the secret shows of it once encoded.
   */
  private static List<String> base64Forms(String secret) {
    byte[] utf8 = secret.getBytes(StandardCharsets.UTF_8);
    List<String> forms = new ArrayList<>();
    for (int from = 0; from < 3; from++) {
      byte[] tail = Arrays.copyOfRange(utf8, from, utf8.length);
      forms.add(Base64.getEncoder().encodeToString(tail).substring(0, tail.length * 4 / 3));
    }
    return forms;
  }

  private static String httpLog(Installation pw, String id) throws Exception {
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + pw.httpPort() + "/builds/" + id + "/logs"))
                    .header("Authorization", "Bearer " + pw.token)
                    .build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return response.body();
  }
}
