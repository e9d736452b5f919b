package dev.pipewright.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pipewright.entryapi.EntryApiConfig;
import dev.pipewright.pipeline.worker.WorkerConfig;
import dev.pipewright.queue.QueueNames;
import dev.pipewright.queue.QueueSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client commands, run in-process as a user would type them, against an entry API and a worker
 * on the machine's PostgreSQL and RabbitMQ (a database and queue prefix of this class's own).
 */
class CliIT {
  private static final String POSTGRES = "jdbc:postgresql://127.0.0.1:5432/";

  private static String databaseUrl;
  private static QueueNames names;
  private static Path workspaces;
  private static Services services;
  private static String server;
  // The admin token every client command sends (PIPEWRIGHT_TOKEN), made with 'token create'.
  private static String adminToken;

  @TempDir Path dir;

  @BeforeAll
  static void start() throws Exception {
    String suffix = UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    databaseUrl = POSTGRES + "pw_cli_it_" + suffix;
    names = QueueNames.withPrefix("pw-cli-it-" + suffix);
    workspaces = Files.createTempDirectory("pw-cli-it-");
    // The secret key as the README makes it: 'pipewright secret-key create > file'.
    CliRun key = pipewright("secret-key", "create");
    assertThat(key.exit()).as(key.err()).isZero();
    Path keyFile = Files.writeString(workspaces.resolve("secret.key"), key.out());
    services =
        Services.start(
            EntryApiConfig.defaults()
                .withPorts(0, 0)
                .withDatabase(databaseUrl)
                .withQueue(QueueSettings.DEFAULT_URI, names.exchange())
                .withSecretKeyFile(keyFile),
            WorkerConfig.fromEnvironment(
                    Map.of(
                        "PIPEWRIGHT_LEASE_SECONDS", "5",
                        "PIPEWRIGHT_WORKER_REAPER_PERIOD", "500ms",
                        "PIPEWRIGHT_WORKER_TICK", "100ms"))
                .toBuilder()
                .databaseUrl(databaseUrl)
                .queueNames(names)
                .workspaceRoot(workspaces)
                .workerId("cli-it")
                .secretKeyFile(keyFile)
                .build());
    server = "127.0.0.1:" + services.api().grpcPort();
    CliRun bootstrap =
        pipewright(
            "token",
            "create",
            "--name",
            "cli-it-admin",
            "--role",
            "admin",
            "--database",
            databaseUrl);
    assertThat(bootstrap.exit()).as(bootstrap.err()).isZero();
    adminToken = bootstrap.out().strip();
  }

  @AfterAll
  static void stop() throws Exception {
    if (services != null) {
      services.close();
    }
    ItResources.drop(databaseUrl, names);
  }

  /** The command line with this process's environment plus the admin token, once there is one. */
  private static CliRun pipewright(String... args) {
    Map<String, String> env = new HashMap<>(System.getenv());
    env.remove(ClientOptions.TOKEN_ENV);
    if (adminToken != null) {
      env.put(ClientOptions.TOKEN_ENV, adminToken);
    }
    return CliRun.of(env, args);
  }

  private static CliRun client(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.add("--server");
    all.add(server);
    return pipewright(all.toArray(String[]::new));
  }

  private Path workflow(String name, String yaml) throws Exception {
    return Files.writeString(dir.resolve(name), yaml);
  }

  private static final String HELLO =
      """
      on: push
      jobs:
        hello:
          runs-on: ubuntu-latest
          steps:
            - name: Greet
              run: echo "hello ${{ vars.WHO }}"; echo "token ${{ secrets.TOKEN }}"
      """;

  private static final String BROKEN =
      """
      on: push
      jobs:
        broken:
          runs-on: ubuntu-latest
          steps:
            - run: echo "going down"; exit 4
        after:
          needs: broken
          runs-on: ubuntu-latest
          steps:
            - run: echo never
      """;

  @Test
  void submitFollowShowsLogsAndEndsWithTheBuild() throws Exception {
    Path file = workflow("hello.yml", HELLO);
    CliRun r =
        client(
            "submit",
            file.toString(),
            "--follow",
            "--var",
            "WHO=world",
            "--secret",
            "TOKEN=hunter2");
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out())
        .contains("hello/1 | hello world")
        .contains("hello/1 | token ***")
        .doesNotContain("hunter2")
        .contains("hello/1 Greet: succeeded")
        .containsPattern("build #\\d+ [0-9a-f]{8} succeeded in ")
        .doesNotContain("\u001b[");
  }

  @Test
  void submitFollowOfAFailingBuildExitsOneWithTheFinalBuildAsJson() throws Exception {
    Path file = workflow("broken.yml", BROKEN);
    CliRun r =
        client(
            "submit", file.toString(), "--follow", "--output", "json", "--pipeline", "cli-broken");
    assertThat(r.exit()).isEqualTo(ExitCodes.FAILED);
    JsonNode build = r.json();
    assertThat(build.get("status").asText()).isEqualTo("FAILED");
    assertThat(build.get("pipeline_id").asText()).isEqualTo("cli-broken");
    assertThat(build.get("error_code").asText()).isEqualTo("PERMANENT");
    assertThat(build.get("jobs")).hasSize(2);
    JsonNode broken = build.get("jobs").get(0);
    assertThat(broken.get("key").asText()).isEqualTo("broken");
    assertThat(broken.get("steps").get(0).get("exit_code").asInt()).isEqualTo(4);
    assertThat(build.get("jobs").get(1).get("status").asText()).isEqualTo("SKIPPED");
    // Progress for people went to stderr, so stdout stays parseable.
    assertThat(r.err()).contains("broken/1 | going down").contains("── summary");
  }

  @Test
  void submitStatusListLogsWithStableJson() throws Exception {
    Path file = workflow("plain.yml", HELLO);
    CliRun submitted =
        client(
            "submit", file.toString(), "-o", "json", "--pipeline", "cli-json", "--var", "WHO=json");
    assertThat(submitted.exit()).as(submitted.err()).isZero();
    JsonNode started = submitted.json();
    assertThat(started.fieldNames()).toIterable().containsExactly("id", "number", "status");
    String id = started.get("id").asText();

    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                client("status", id, "-o", "json")
                    .json()
                    .get("status")
                    .asText()
                    .equals("SUCCEEDED"));
    JsonNode status = client("status", id, "-o", "json").json();
    assertThat(status.get("id").asText()).isEqualTo(id);
    assertThat(status.get("jobs").get(0).get("steps").get(0).get("status").asText())
        .isEqualTo("SUCCEEDED");
    assertThat(status.get("finish_time").asText()).isNotEmpty();

    CliRun text = client("status", id);
    assertThat(text.out())
        .contains("build " + id + " succeeded", "job hello: succeeded", "1 Greet: succeeded");

    JsonNode list = client("list", "--pipeline", "cli-json", "-o", "json").json();
    assertThat(list.get("builds")).hasSize(1);
    assertThat(list.get("builds").get(0).get("id").asText()).isEqualTo(id);
    assertThat(list.get("builds").get(0).has("jobs")).isFalse();
    assertThat(
            client("list", "--status", "FAILED", "--pipeline", "cli-json", "-o", "json")
                .json()
                .get("builds"))
        .isEmpty();

    assertThat(client("logs", id).out()).contains("hello/1 | hello json\n");
    assertThat(client("logs", id, "--job", "hello", "--step", "1").out())
        .startsWith("hello json\n");
    CliRun followed = client("logs", id, "--follow");
    assertThat(followed.exit()).isZero();
    assertThat(followed.out()).contains("hello json");
  }

  @Test
  void cancelStopsARunningBuildAndIsRefusedOnceItEnded() throws Exception {
    Path file =
        workflow(
            "sleepy.yml",
            """
            on: push
            jobs:
              sleepy:
                runs-on: ubuntu-latest
                steps:
                  - run: echo zzz; sleep 60
            """);
    String id = client("submit", file.toString(), "-o", "json").json().get("id").asText();
    await().atMost(Duration.ofSeconds(20)).until(() -> client("logs", id).out().contains("zzz"));
    CliRun cancel = client("cancel", id);
    assertThat(cancel.exit()).as(cancel.err()).isZero();
    assertThat(cancel.out()).contains("cancel requested");
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () ->
                client("status", id, "-o", "json")
                    .json()
                    .get("status")
                    .asText()
                    .equals("CANCELLED"));
    CliRun again = client("cancel", id);
    assertThat(again.exit()).isEqualTo(ExitCodes.FAILED);
    assertThat(again.err().lines()).singleElement().asString().startsWith("pipewright: ");
  }

  @Test
  void rerunRunsTheFailedJobsAgainAsTheBuildsNextAttempt() throws Exception {
    Path file = workflow("rerun.yml", BROKEN);
    String id = client("submit", file.toString(), "-o", "json").json().get("id").asText();
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> client("status", id, "-o", "json").json().get("status").asText(),
            "FAILED"::equals);

    CliRun rerun = client("rerun", id, "--failed", "--follow");

    assertThat(rerun.exit()).as(rerun.err()).isEqualTo(ExitCodes.FAILED);
    assertThat(rerun.out())
        .contains("build " + id + " attempt 2: running again broken, after")
        .contains("broken | Attempt 2: a re-run of the build runs the job again");
    JsonNode status = client("status", id, "-o", "json").json();
    assertThat(status.get("run_attempt").asInt()).isEqualTo(2);
    assertThat(status.get("jobs").get(0).get("steps").get(0).get("attempt").asInt()).isEqualTo(2);
    assertThat(client("status", id).out()).contains(", attempt 2,");
    CliRun running = client("rerun", UUID.randomUUID().toString());
    assertThat(running.exit()).isEqualTo(ExitCodes.FAILED);
    assertThat(running.err().lines()).singleElement().asString().startsWith("pipewright: ");
  }

  @Test
  void errorsAreOneClearLine() throws Exception {
    CliRun unreachable =
        pipewright("status", UUID.randomUUID().toString(), "--server", "127.0.0.1:1");
    assertThat(unreachable.exit()).isEqualTo(ExitCodes.FAILED);
    assertThat(unreachable.err().strip())
        .isEqualTo("pipewright: cannot reach the entry API at 127.0.0.1:1");

    String ghost = UUID.randomUUID().toString();
    CliRun unknown = client("status", ghost);
    assertThat(unknown.exit()).isEqualTo(ExitCodes.FAILED);
    assertThat(unknown.err().lines())
        .singleElement()
        .asString()
        .startsWith("pipewright: ")
        .contains(ghost);

    Path bad =
        workflow(
            "bad.yml",
            """
            on: push
            jobs:
              a:
                needs: ghost
                runs-on: ubuntu-latest
                steps:
                  - run: echo a
            """);
    CliRun invalid = client("submit", bad.toString());
    assertThat(invalid.exit()).isEqualTo(ExitCodes.FAILED);
    assertThat(invalid.err().lines())
        .singleElement()
        .asString()
        .startsWith(bad + ":4:")
        .contains(": error: ")
        .contains("ghost");

    assertThat(client("submit").exit()).isEqualTo(ExitCodes.USAGE);
    assertThat(pipewright("status", "x", "--server", "nonsense").exit()).isEqualTo(ExitCodes.USAGE);
    assertThat(client("submit", dir.resolve("missing.yml").toString()).exit())
        .isEqualTo(ExitCodes.USAGE);
  }

  @Test
  void tokensAreManagedWithTheCliAndEachCommandGetsWhatItsRoleAllows() throws Exception {
    CliRun created = client("token", "create", "--name", "reader", "--role", "read");
    assertThat(created.exit()).as(created.err()).isZero();
    String reader = created.out().strip();
    assertThat(reader).matches("pwt_[a-z2-7]{12}_\\S{43}");
    assertThat(created.err()).contains("created API token reader", "shown this once");
    Path readerFile = Files.writeString(dir.resolve("reader.token"), reader + "\n");

    JsonNode listed = client("token", "list", "-o", "json").json().get("tokens");
    assertThat(listed.findValuesAsText("name")).contains("cli-it-admin", "reader");
    assertThat(listed.toString()).doesNotContain(reader);

    String ghost = UUID.randomUUID().toString();
    CliRun read = client("status", ghost, "--token-file", readerFile.toString());
    assertThat(read.err()).as("authenticated, then not found").contains(ghost);
    CliRun denied = client("cancel", ghost, "--token-file", readerFile.toString());
    assertThat(denied.exit()).isEqualTo(ExitCodes.FAILED);
    assertThat(denied.err().strip())
        .startsWith("pipewright: not allowed: token reader (")
        .endsWith("may not call CancelBuild: that needs the submit role");

    Map<String, String> noToken = new HashMap<>(System.getenv());
    noToken.remove(ClientOptions.TOKEN_ENV);
    CliRun anonymous = CliRun.of(noToken, "list", "--server", server);
    assertThat(anonymous.exit()).isEqualTo(ExitCodes.FAILED);
    assertThat(anonymous.err().lines())
        .containsExactly(
            "pipewright: the entry API at "
                + server
                + " refused the call: no API token: send 'authorization: Bearer <token>'",
            "pipewright: send an API token with --token-file FILE or PIPEWRIGHT_TOKEN; the first"
                + " one is made with 'pipewright token create --name admin --role admin"
                + " --database'");

    CliRun revoked = client("token", "revoke", "reader");
    assertThat(revoked.exit()).as(revoked.err()).isZero();
    assertThat(revoked.out()).startsWith("revoked API token reader (");
    assertThat(client("list", "--token-file", readerFile.toString()).err())
        .contains("refused the call: unknown or revoked API token");
    assertThat(client("token", "revoke", "reader").exit()).isEqualTo(ExitCodes.FAILED);

    CliRun direct = pipewright("token", "list", "--database", databaseUrl);
    assertThat(direct.exit()).as(direct.err()).isZero();
    assertThat(direct.out().lines()).first().asString().startsWith("ID            NAME");
    assertThat(direct.out()).containsPattern("(?m)^\\S+ +reader +read +\\S+ +\\d{4}-");

    assertThat(client("token", "create", "--name", "x", "--role", "root").exit())
        .isEqualTo(ExitCodes.USAGE);
    assertThat(client("token", "create", "--name", "two words", "--role", "read").exit())
        .isEqualTo(ExitCodes.USAGE);
    assertThat(client("token", "list", "--check-config").exit()).isEqualTo(ExitCodes.USAGE);
    assertThat(client("list", "--token-file", dir.resolve("none").toString()).exit())
        .isEqualTo(ExitCodes.USAGE);
  }

  private static final String MATRIX =
      """
      on: push
      jobs:
        test:
          name: Test
          runs-on: ubuntu-latest
          strategy:
            matrix:
              n: [1, 2]
          steps:
            - run: echo "cell ${{ matrix.n }}"
      """;

  @Test
  void jobsAreShownByTheirNamesWhileJsonKeepsKeyAndName() throws Exception {
    Path file = workflow("matrix.yml", MATRIX);

    CliRun followed = client("submit", file.toString(), "--follow");
    assertThat(followed.exit()).as(followed.err()).isZero();
    assertThat(followed.out())
        .contains("job Test (1): succeeded", "job Test (2): succeeded", "Test (2)/1 ")
        .doesNotContain("job test.");

    CliRun local = pipewright("run", file.toString(), "--workspace", dir.resolve("ws").toString());
    assertThat(local.exit()).as(local.err()).isZero();
    assertThat(local.out()).contains("job Test (1): succeeded", "job Test (2): succeeded");

    CliRun json = client("submit", file.toString(), "--follow", "--output", "json");
    JsonNode jobs = json.json().get("jobs");
    assertThat(jobs).hasSize(2);
    assertThat(jobs.get(0).get("name").asText()).isEqualTo("Test (1)");
    assertThat(jobs.get(0).get("key").asText()).isNotEqualTo("Test (1)");
  }

  @Test
  void runExecutesAWorkflowWithNoServers() throws Exception {
    Path ok = workflow("local.yml", HELLO);
    CliRun r =
        pipewright(
            "run",
            ok.toString(),
            "--var",
            "WHO=local",
            "--workspace",
            dir.resolve("ws").toString());
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out()).contains("hello/1 | hello local", "job hello: succeeded", "succeeded in");

    CliRun failed =
        pipewright(
            "run",
            workflow("broken-local.yml", BROKEN).toString(),
            "--workspace",
            dir.resolve("ws2").toString());
    assertThat(failed.exit()).isEqualTo(ExitCodes.FAILED);
    assertThat(failed.out()).contains("broken/1 | going down", "job after: skipped", "failed");
  }

  /** Issue 14: a reusable workflow of the checkout runs, instead of "succeeding" with nothing. */
  @Test
  void runCallsALocalReusableWorkflowFromTheCheckout() throws Exception {
    Path repo = dir.resolve("repo");
    Files.createDirectories(repo.resolve(".github/workflows"));
    Files.writeString(
        repo.resolve(".github/workflows/greet.yml"),
        """
        on:
          workflow_call:
            inputs:
              who:
                type: string
                required: true
            outputs:
              said:
                value: ${{ jobs.greet.outputs.said }}
        jobs:
          greet:
            runs-on: local
            outputs:
              said: ${{ steps.s.outputs.said }}
            steps:
              - id: s
                run: echo "said=hello ${{ inputs.who }}" >> "$GITHUB_OUTPUT"
        """);
    Path caller =
        Files.writeString(
            repo.resolve(".github/workflows/ci.yml"),
            """
            on: push
            jobs:
              call:
                uses: ./.github/workflows/greet.yml
                with:
                  who: checkout
              show:
                needs: call
                runs-on: local
                steps:
                  - run: echo "the call ${{ needs.call.outputs.said }}"
            """);

    CliRun r =
        pipewright(
            "run",
            caller.toString(),
            "--repo",
            repo.toString(),
            "--workspace",
            dir.resolve("ws").toString());

    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out())
        .contains("job call / greet: succeeded", "the call hello checkout", "job show: succeeded");
  }
}
