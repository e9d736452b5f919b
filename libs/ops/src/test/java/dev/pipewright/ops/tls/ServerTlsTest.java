package dev.pipewright.ops.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.pipewright.models.CiException;
import dev.pipewright.ops.config.Listeners;
import dev.pipewright.ops.http.OpsHttpServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServerTlsTest {
  @TempDir Path dir;

  private final TestPki ca = TestPki.create("first CA");
  private final TestPki renewedCa = TestPki.create("second CA");

  private Path cert() {
    return dir.resolve("tls.crt");
  }

  private Path key() {
    return dir.resolve("tls.key");
  }

  private Listeners.Tls settings(Duration reload) {
    return Listeners.Tls.of(cert(), key(), reload);
  }

  /** GET /healthz over HTTPS on a new connection, trusting {@code trusted} only. */
  private static int healthz(OpsHttpServer http, SSLContext client) throws Exception {
    try (HttpClient c = HttpClient.newBuilder().sslContext(client).build()) {
      return c.send(
              HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + http.port() + "/healthz"))
                  .timeout(Duration.ofSeconds(10))
                  .build(),
              HttpResponse.BodyHandlers.ofString())
          .statusCode();
    }
  }

  private static boolean refused(OpsHttpServer http, SSLContext client) {
    try {
      healthz(http, client);
      return false;
    } catch (Exception e) {
      return true;
    }
  }

  @Test
  void servesHttpsWithItsCertificateAndRefusesPlainHttp() throws Exception {
    ca.issue("pipewright").write(cert(), key());
    try (ServerTls tls = ServerTls.start(settings(Duration.ofMinutes(1)));
        OpsHttpServer http = OpsHttpServer.builder(0).tls(tls).start()) {
      assertThat(healthz(http, ca.clientContext(null))).isEqualTo(200);
      assertThat(refused(http, renewedCa.clientContext(null))).as("another CA").isTrue();
      try (HttpClient plain = HttpClient.newHttpClient()) {
        assertThatThrownBy(
                () ->
                    plain.send(
                        HttpRequest.newBuilder(
                                URI.create("http://127.0.0.1:" + http.port() + "/healthz"))
                            .timeout(Duration.ofSeconds(10))
                            .build(),
                        HttpResponse.BodyHandlers.ofString()))
            .isInstanceOf(IOException.class);
      }
    }
  }

  @Test
  void changedFilesServeNewConnectionsWithoutARestart() throws Exception {
    ca.issue("pipewright").write(cert(), key());
    try (ServerTls tls = ServerTls.start(settings(Duration.ofMillis(100)));
        OpsHttpServer http = OpsHttpServer.builder(0).tls(tls).start()) {
      assertThat(healthz(http, ca.clientContext(null))).isEqualTo(200);

      renewedCa.issue("pipewright").write(cert(), key());
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> tls.certificate().getIssuerX500Principal().getName().equals("CN=second CA"));
      assertThat(healthz(http, renewedCa.clientContext(null))).isEqualTo(200);
      assertThat(refused(http, ca.clientContext(null))).isTrue();
    }
  }

  @Test
  void aCertificateWithoutItsKeyIsNotTakenUntilTheKeyFollows() throws Exception {
    TestPki.Pair first = ca.issue("pipewright");
    first.write(cert(), key());
    try (ServerTls tls = ServerTls.start(settings(Duration.ofHours(1)))) {
      TestPki.Pair renewed = renewedCa.issue("pipewright");
      Path newKey = dir.resolve("new.key");
      renewed.write(cert(), newKey);
      tls.reload();
      assertThat(tls.certificate()).isEqualTo(first.certificate());

      Files.move(newKey, key(), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      tls.reload();
      assertThat(tls.certificate()).isEqualTo(renewed.certificate());
    }
  }

  @Test
  void aClientCaAdmitsOnlyClientsWithACertificateItIssued() throws Exception {
    ca.issue("pipewright").write(cert(), key());
    TestPki clients = TestPki.create("client CA");
    Path clientCa = dir.resolve("clients.crt");
    clients.writeCertificate(clientCa);
    try (ServerTls tls = ServerTls.start(settings(Duration.ofMinutes(1)).withClientCa(clientCa));
        OpsHttpServer http = OpsHttpServer.builder(0).tls(tls).start()) {
      assertThat(tls.clientAuth()).isTrue();
      assertThat(healthz(http, ca.clientContext(clients.issue("ci")))).isEqualTo(200);
      assertThat(refused(http, ca.clientContext(null))).as("no client certificate").isTrue();
      assertThat(refused(http, ca.clientContext(renewedCa.issue("ci"))))
          .as("a client certificate of another CA")
          .isTrue();
    }
  }

  @Test
  void unusableFilesStopTheStartNamingTheFile() throws Exception {
    assertThatThrownBy(() -> ServerTls.start(settings(Duration.ofMinutes(1))))
        .isInstanceOf(CiException.class)
        .hasMessageContaining(cert().toString());

    ca.issue("pipewright").write(cert(), key());
    Files.writeString(
        key(), "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n");
    assertThatThrownBy(() -> ServerTls.start(settings(Duration.ofMinutes(1))))
        .hasMessageContaining(key().toString())
        .hasMessageContaining("openssl pkcs8 -topk8");

    TestPki.Pair other = ca.issue("other");
    Files.writeString(key(), "");
    other.write(dir.resolve("other.crt"), key());
    assertThatThrownBy(() -> ServerTls.start(settings(Duration.ofMinutes(1))))
        .hasMessageContaining("is not the key of the first certificate");
  }
}
