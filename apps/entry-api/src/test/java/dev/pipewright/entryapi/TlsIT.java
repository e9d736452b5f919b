package dev.pipewright.entryapi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.pipewright.api.ci.v1.ListBuildsRequest;
import dev.pipewright.api.ci.v1.PipelineServiceGrpc;
import dev.pipewright.ops.config.Listeners;
import dev.pipewright.ops.tls.TestPki;
import dev.pipewright.queue.QueueSettings;
import io.grpc.ChannelCredentials;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The entry API with TLS from PEM files made at test time, over Netty on a real port: plain-text
 * clients are refused, clients trusting the CA are served (gRPC and HTTP), a renewed certificate is
 * served without a restart, and a client CA turns on mutual TLS.
 */
class TlsIT {
  static ApiFixture fx;

  @TempDir Path dir;
  private final TestPki ca = TestPki.create("entry API CA");
  private Path cert;
  private Path key;
  private Path caFile;

  @BeforeAll
  static void database() {
    fx = new ApiFixture();
  }

  @AfterAll
  static void drop() throws Exception {
    fx.close();
  }

  @BeforeEach
  void certificates() {
    cert = dir.resolve("tls.crt");
    key = dir.resolve("tls.key");
    caFile = dir.resolve("ca.crt");
    ca.issue("entry-api").write(cert, key);
    ca.writeCertificate(caFile);
  }

  private EntryApi start(Listeners.Tls tls) {
    EntryApiConfig config =
        EntryApiConfig.defaults()
            .withPorts(0, 0)
            .withDatabase(ApiFixture.POSTGRES + fx.databaseName)
            .withQueue(QueueSettings.DEFAULT_URI, fx.prefix);
    return new EntryApi(config.withListeners(config.listeners().withTls(tls))).start();
  }

  /** ListBuilds with the fixture's token over a new connection: OK or the failure's code. */
  private static Status.Code listBuilds(EntryApi api, ChannelCredentials credentials) {
    ManagedChannel channel =
        NettyChannelBuilder.forAddress("127.0.0.1", api.grpcPort(), credentials).build();
    try {
      PipelineServiceGrpc.newBlockingStub(channel)
          .withInterceptors(ApiFixture.bearer(fx.admin))
          .withDeadlineAfter(20, TimeUnit.SECONDS)
          .listBuilds(ListBuildsRequest.getDefaultInstance());
      return Status.Code.OK;
    } catch (StatusRuntimeException e) {
      return e.getStatus().getCode();
    } finally {
      channel.shutdownNow();
    }
  }

  private static ChannelCredentials trusting(Path caFile) throws IOException {
    return TlsChannelCredentials.newBuilder().trustManager(caFile.toFile()).build();
  }

  @Test
  void plainTextClientsAreRefusedAndClientsTrustingTheCaAreServed() throws Exception {
    try (EntryApi api = start(Listeners.Tls.of(cert, key, Duration.ofMinutes(1)))) {
      assertThat(listBuilds(api, InsecureChannelCredentials.create()))
          .isEqualTo(Status.Code.UNAVAILABLE);
      assertThat(listBuilds(api, trusting(caFile))).isEqualTo(Status.Code.OK);
      Path otherCa = dir.resolve("other.crt");
      TestPki.create("another CA").writeCertificate(otherCa);
      assertThat(listBuilds(api, trusting(otherCa))).isEqualTo(Status.Code.UNAVAILABLE);

      String logs = "/builds/" + java.util.UUID.randomUUID() + "/logs";
      try (HttpClient https = HttpClient.newBuilder().sslContext(ca.clientContext(null)).build()) {
        HttpResponse<String> response =
            https.send(
                HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + api.httpPort() + logs))
                    .header("Authorization", "Bearer " + fx.admin.token().reveal())
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("authenticated, no such build").isEqualTo(404);
      }
      try (HttpClient plain = HttpClient.newHttpClient()) {
        assertThatThrownBy(
                () ->
                    plain.send(
                        HttpRequest.newBuilder(
                                URI.create("http://127.0.0.1:" + api.httpPort() + "/healthz"))
                            .timeout(Duration.ofSeconds(10))
                            .build(),
                        HttpResponse.BodyHandlers.ofString()))
            .isInstanceOf(IOException.class);
      }
    }
  }

  @Test
  void aRenewedCertificateIsServedToNewConnectionsWithoutARestart() throws Exception {
    try (EntryApi api = start(Listeners.Tls.of(cert, key, Duration.ofMillis(100)))) {
      assertThat(listBuilds(api, trusting(caFile))).isEqualTo(Status.Code.OK);

      TestPki renewed = TestPki.create("renewed CA");
      Path renewedCa = dir.resolve("renewed-ca.crt");
      renewed.writeCertificate(renewedCa);
      renewed.issue("entry-api").write(cert, key);

      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> listBuilds(api, trusting(renewedCa)) == Status.Code.OK);
      assertThat(listBuilds(api, trusting(caFile))).isEqualTo(Status.Code.UNAVAILABLE);
    }
  }

  @Test
  void aClientCaRequiresClientCertificatesItIssued() throws Exception {
    TestPki clients = TestPki.create("client CA");
    Path clientCa = dir.resolve("clients.crt");
    clients.writeCertificate(clientCa);
    TestPki.Pair ci = clients.issue("ci");
    Path ciCert = dir.resolve("ci.crt");
    Path ciKey = dir.resolve("ci.key");
    ci.write(ciCert, ciKey);
    try (EntryApi api =
        start(Listeners.Tls.of(cert, key, Duration.ofMinutes(1)).withClientCa(clientCa))) {
      assertThat(listBuilds(api, trusting(caFile))).isEqualTo(Status.Code.UNAVAILABLE);
      assertThat(
              listBuilds(
                  api,
                  TlsChannelCredentials.newBuilder()
                      .trustManager(caFile.toFile())
                      .keyManager(ciCert.toFile(), ciKey.toFile())
                      .build()))
          .isEqualTo(Status.Code.OK);
    }
  }
}
