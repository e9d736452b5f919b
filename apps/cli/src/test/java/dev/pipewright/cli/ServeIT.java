package dev.pipewright.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pipewright.ops.tls.TestPki;
import dev.pipewright.queue.QueueNames;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ConnectException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code pipewright serve} in this JVM, configured by a YAML file and an environment map, on the
 * machine's PostgreSQL and RabbitMQ (a database and queue prefix of its own): it serves builds to
 * clients with a token made by {@code token create --database}, one set of probes and metrics for
 * both services, TLS when configured, and interrupting it stops everything.
 */
class ServeIT {
  private static final Pattern PORTS =
      Pattern.compile("entry API on gRPC port (\\d+), HTTP port (\\d+)");

  private static final Pattern SUCCEEDED =
      Pattern.compile("(?m)^pipewright_builds_total\\{status=\"succeeded\"} (\\S+)$");

  private static final String HELLO =
      """
      on: push
      jobs:
        hello:
          runs-on: ubuntu-latest
          steps:
            - run: echo served
      """;

  @TempDir Path dir;

  private final String suffix = UUID.randomUUID().toString().replace("-", "").substring(0, 12);
  private final String databaseUrl = "jdbc:postgresql://127.0.0.1:5432/pw_serve_it_" + suffix;
  private final QueueNames names = QueueNames.withPrefix("pw-serve-it-" + suffix);
  private final HttpClient http = HttpClient.newHttpClient();

  @AfterEach
  void dropDatabaseAndQueues() throws Exception {
    ItResources.drop(databaseUrl, names);
  }

  private Path config(String extra) throws IOException {
    return Files.writeString(
        dir.resolve("pipewright.yaml"),
        """
        database:
          url: %s
        amqp:
          queue-prefix: %s
        grpc:
          port: 50051
        workspace:
          root: %s
        worker:
          id: serve-it
          tick: 100ms
        shutdown:
          grace: 5s
        log:
          level: WARN
        """
                .formatted(databaseUrl, names.exchange(), dir.resolve("workspaces"))
            + extra);
  }

  /** {@code pipewright serve} running on a thread of this JVM, once it printed its ports. */
  private record Served(Thread thread, StringWriter err, AtomicInteger exit, int grpc, int http) {
    void stop() throws InterruptedException {
      thread.interrupt();
      thread.join(Duration.ofSeconds(30));
    }
  }

  private static Served serve(Map<String, String> env, String... args) {
    StringWriter err = new StringWriter();
    AtomicInteger exit = new AtomicInteger(-1);
    Thread thread =
        Thread.ofPlatform()
            .name("serve-it")
            .start(
                () ->
                    exit.set(
                        Main.commandLine(env)
                            .setOut(new PrintWriter(new StringWriter(), true))
                            .setErr(new PrintWriter(err, true))
                            .execute(args)));
    Matcher ports = PORTS.matcher("");
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> ports.reset(err.toString()).find() || !thread.isAlive());
    assertThat(thread.isAlive()).as(err.toString()).isTrue();
    return new Served(
        thread, err, exit, Integer.parseInt(ports.group(1)), Integer.parseInt(ports.group(2)));
  }

  /** The variables override the file: free ports, so parallel runs do not collide. */
  private static Map<String, String> freePorts(String... more) {
    Map<String, String> env = new HashMap<>();
    env.put("PIPEWRIGHT_GRPC_PORT", "0");
    env.put("PIPEWRIGHT_HTTP_PORT", "0");
    for (int i = 0; i < more.length; i += 2) {
      env.put(more[i], more[i + 1]);
    }
    return env;
  }

  /** The first admin token, the way an operator makes it: straight in the database. */
  private String bootstrapToken() {
    CliRun created =
        CliRun.of(
            Map.of(),
            "token",
            "create",
            "--name",
            "admin",
            "--role",
            "admin",
            "--database",
            databaseUrl);
    assertThat(created.exit()).as(created.err()).isZero();
    return created.out().strip();
  }

  private CliRun submit(String token, int grpcPort, String... tls) throws IOException {
    Path workflow = Files.writeString(dir.resolve("ci.yml"), HELLO);
    List<String> args =
        new ArrayList<>(
            List.of(
                "submit", workflow.toString(), "--follow", "--server", "127.0.0.1:" + grpcPort));
    args.addAll(List.of(tls));
    return CliRun.of(Map.of(ClientOptions.TOKEN_ENV, token), args.toArray(String[]::new));
  }

  @Test
  void servesBuildsAndProbesUntilInterrupted() throws Exception {
    Served served = serve(freePorts(), "serve", "--config", config("").toString());
    try {
      assertThat(served.err().toString()).contains("pipewright: worker serve-it running");
      assertThat(succeededBuilds(served.http())).isZero();

      CliRun submitted = submit(bootstrapToken(), served.grpc());
      assertThat(submitted.exit()).as(submitted.err()).isZero();
      assertThat(submitted.out()).contains("hello/1 | served");

      // One registry for both services: the worker's build counter moves on the shared port.
      await().atMost(Duration.ofSeconds(10)).until(() -> succeededBuilds(served.http()) == 1.0);
      assertThat(get(served.http(), "/metrics").body()).contains("jvm_memory_used_bytes");
      assertThat(get(served.http(), "/healthz").statusCode()).isEqualTo(200);
      HttpResponse<String> ready = get(served.http(), "/readyz");
      assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
      assertThat(ready.body())
          .contains(
              "{\"name\":\"database\",\"status\":\"up\"",
              "{\"name\":\"rabbitmq\",\"status\":\"up\"",
              "{\"name\":\"api-database\",\"status\":\"up\"",
              "{\"name\":\"api-rabbitmq\",\"status\":\"up\"");
      // The entry API records into the same registry and lends its plain-text log route, which
      // asks for a token like the gRPC API.
      assertThat(get(served.http(), "/metrics").body())
          .contains("pipewright_builds_admitted_total");
      assertThat(get(served.http(), "/builds/" + UUID.randomUUID() + "/logs").statusCode())
          .isEqualTo(401);

      served.stop();
      assertThat(served.thread().isAlive()).isFalse();
      assertThat(served.exit().get()).as(served.err().toString()).isZero();
      assertThat(refused(served.grpc())).as("gRPC port closed").isTrue();
      assertThat(refused(served.http())).as("HTTP port closed").isTrue();
    } finally {
      served.stop();
    }
  }

  @Test
  void withTlsConfiguredClientsConnectWithTlsAndTheCa() throws Exception {
    TestPki ca = TestPki.create("serve CA");
    Path cert = dir.resolve("tls.crt");
    Path key = dir.resolve("tls.key");
    Path caFile = dir.resolve("ca.crt");
    ca.issue("pipewright").write(cert, key);
    ca.writeCertificate(caFile);
    Path config = config("tls:\n  cert-file: %s\n  key-file: %s\n".formatted(cert, key));
    Served served = serve(freePorts(), "serve", "api", "--config", config.toString());
    try {
      String token = bootstrapToken();
      CliRun plain = submit(token, served.grpc());
      assertThat(plain.exit()).isEqualTo(ExitCodes.FAILED);
      assertThat(plain.err()).contains("cannot reach the entry API");

      Path workflow = Files.writeString(dir.resolve("ci.yml"), HELLO);
      CliRun tls =
          CliRun.of(
              Map.of(ClientOptions.TOKEN_ENV, token),
              "submit",
              workflow.toString(),
              "--server",
              "127.0.0.1:" + served.grpc(),
              "--tls",
              "--ca",
              caFile.toString());
      assertThat(tls.exit()).as(tls.err()).isZero();
      assertThat(tls.out()).startsWith("build ").contains(" pending");

      try (HttpClient https = HttpClient.newBuilder().sslContext(ca.clientContext(null)).build()) {
        assertThat(
                https
                    .send(
                        HttpRequest.newBuilder(
                                URI.create("https://127.0.0.1:" + served.http() + "/healthz"))
                            .build(),
                        HttpResponse.BodyHandlers.ofString())
                    .statusCode())
            .isEqualTo(200);
      }
    } finally {
      served.stop();
    }
  }

  @Test
  void anExposedAddressWithoutAuthenticationStartsOnlyWithInsecureAndSaysSo() throws Exception {
    Map<String, String> env =
        freePorts("PIPEWRIGHT_BIND_ADDRESS", "0.0.0.0", "PIPEWRIGHT_AUTH", "off");
    Path config = config("");
    CliRun refused = CliRun.of(env, "serve", "api", "--config", config.toString());
    assertThat(refused.exit()).isEqualTo(ExitCodes.USAGE);
    assertThat(refused.err()).contains("0.0.0.0 is reachable from other machines");

    Served served = serve(env, "serve", "api", "--insecure", "--config", config.toString());
    try {
      assertThat(served.err().toString()).contains("pipewright: INSECURE: listening on 0.0.0.0");
      CliRun anonymous =
          CliRun.of(Map.of(), "list", "--server", "127.0.0.1:" + served.grpc(), "-o", "json");
      assertThat(anonymous.exit()).as("authentication is off").isZero();
    } finally {
      served.stop();
    }
  }

  /** {@code pipewright_builds_total{status="succeeded"}} as scraped. */
  private double succeededBuilds(int port) throws Exception {
    Matcher m = SUCCEEDED.matcher(get(port, "/metrics").body());
    assertThat(m.find()).as("pipewright_builds_total{status=\"succeeded\"} is exported").isTrue();
    return Double.parseDouble(m.group(1));
  }

  private HttpResponse<String> get(int port, String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(10))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static boolean refused(int port) throws IOException {
    try (Socket ignored = new Socket("127.0.0.1", port)) {
      return false;
    } catch (ConnectException e) {
      return true;
    }
  }
}
