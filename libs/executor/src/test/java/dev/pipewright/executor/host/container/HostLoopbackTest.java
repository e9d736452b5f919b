package dev.pipewright.executor.host.container;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pipewright.executor.RuntimeServices;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HostLoopbackTest {
  /** What podman 4.3 writes for a container of its default bridge network. */
  private static final String HOSTS =
      """
      127.0.0.1	localhost
      ::1	localhost
      10.88.0.1	host.containers.internal
      10.88.0.90	534d7600e0aa sharp_cray
      """;

  /** A certificate made for the container's name of the machine, as the check wants it. */
  private static final HostLoopback.CertificateNames NAMED =
      a -> List.of("localhost", "host.containers.internal");

  private static final HostLoopback.CertificateNames NOT_ASKED =
      a -> {
        throw new AssertionError("asked for the certificate of " + a);
      };

  @TempDir Path dir;

  @Test
  void loopbackUrlsNameTheContainersHostAndKeepTheirPortAndPath() {
    assertThat(HostLoopback.inContainer("http://127.0.0.1:8080/"))
        .isEqualTo("http://host.containers.internal:8080/");
    assertThat(HostLoopback.inContainer("http://localhost:41234"))
        .isEqualTo("http://host.containers.internal:41234");
    assertThat(HostLoopback.inContainer("https://[::1]:8443/pw/"))
        .isEqualTo("https://host.containers.internal:8443/pw/");
    assertThat(HostLoopback.inContainer("http://127.1.2.3/results/"))
        .isEqualTo("http://host.containers.internal/results/");
  }

  @Test
  void otherUrlsStayAsTheyAre() {
    for (String url :
        List.of(
            "http://pipewright-entry-api:8080/",
            "http://10.0.0.5:8080/",
            "https://ci.example.com/",
            "http://127.example.com/",
            "http://host.containers.internal:8080/")) {
      assertThat(HostLoopback.onLoopback(url)).as(url).isFalse();
      assertThat(HostLoopback.inContainer(url)).isEqualTo(url);
    }
  }

  @Test
  void theServicesKeepTheirTokenAndGetTheContainersUrl() {
    RuntimeServices s =
        HostLoopback.inContainer(new RuntimeServices("ey.t.s", "http://127.0.0.1:9/"));
    assertThat(s.token()).isEqualTo("ey.t.s");
    assertThat(s.env())
        .containsEntry("ACTIONS_RESULTS_URL", "http://host.containers.internal:9/")
        .containsEntry("ACTIONS_CACHE_URL", "http://host.containers.internal:9/");
    RuntimeServices remote = new RuntimeServices("ey.t.s", "http://api:8080/");
    assertThat(HostLoopback.inContainer(remote)).isSameAs(remote);
  }

  @Test
  void findsTheHostsAddressInTheContainersHostsFile() {
    assertThat(HostLoopback.hostAddress(HOSTS)).contains("10.88.0.1");
    assertThat(HostLoopback.hostAddress("# host.containers.internal\n127.0.0.1 localhost\n"))
        .isEmpty();
  }

  @Test
  void probesTheHostsAddressOnTheUrlsPortAndIsSilentWhenSomethingAnswers() throws Exception {
    List<InetSocketAddress> probed = new ArrayList<>();
    Path hosts = Files.writeString(dir.resolve("hosts"), HOSTS);
    assertThat(HostLoopback.unreachable("http://127.0.0.1:8080/", hosts, probed::add, NOT_ASKED))
        .isEmpty();
    assertThat(HostLoopback.unreachable("https://localhost/", hosts, probed::add, NAMED)).isEmpty();
    assertThat(probed)
        .extracting(a -> a.getHostString() + ":" + a.getPort())
        .containsExactly("10.88.0.1:8080", "10.88.0.1:443");
  }

  @Test
  void saysWhyAndWhatToDoWhenNothingAnswersThere() throws Exception {
    Path hosts = Files.writeString(dir.resolve("hosts"), HOSTS);
    Optional<String> why =
        HostLoopback.unreachable(
            "http://127.0.0.1:8080/",
            hosts,
            a -> {
              throw new ConnectException("Connection refused");
            },
            NOT_ASKED);
    assertThat(why)
        .hasValueSatisfying(
            w ->
                assertThat(w)
                    .contains("http://127.0.0.1:8080/ is the worker's loopback")
                    .contains("reaches as http://host.containers.internal:8080/ (10.88.0.1)")
                    .contains("nothing answers (Connection refused)")
                    .contains("listeners.bind-address")
                    .contains("artifacts.results-url"));
  }

  @Test
  void saysSoWhenPodmanGaveTheContainerNoNameForItsHost() throws Exception {
    Path hosts = Files.writeString(dir.resolve("hosts"), "127.0.0.1 localhost\n");
    assertThat(
            HostLoopback.unreachable(
                "http://localhost:8080/",
                hosts,
                a -> {
                  throw new AssertionError("nothing to probe");
                },
                NOT_ASKED))
        .hasValueSatisfying(
            w -> assertThat(w).contains("has no host.containers.internal (podman adds it"));
  }

  @Test
  void aUrlOffLoopbackOrAHostsFileItCannotReadIsNotProbed() throws Exception {
    HostLoopback.Probe never =
        a -> {
          throw new AssertionError("probed " + a);
        };
    Path hosts = Files.writeString(dir.resolve("hosts"), HOSTS);
    assertThat(HostLoopback.unreachable("http://api:8080/", hosts, never, NOT_ASKED)).isEmpty();
    assertThat(
            HostLoopback.unreachable(
                "http://127.0.0.1:8080/", dir.resolve("none"), never, NOT_ASKED))
        .isEmpty();
  }

  /**
   * The toolkit's client checks the entry API's certificate against the name in its URL (Node's
   * tls.checkServerIdentity): one made for localhost fails in the container, which has the URL with
   * host.containers.internal. The job's log says so, with the names the certificate has.
   */
  @Test
  void anHttpsEntryApiWhoseCertificateDoesNotNameTheHostIsRefusedInTheContainer() throws Exception {
    Path hosts = Files.writeString(dir.resolve("hosts"), HOSTS);
    Optional<String> why =
        HostLoopback.unreachable(
            "https://localhost:8443/", hosts, a -> {}, a -> List.of("localhost", "127.0.0.1"));
    assertThat(why)
        .hasValueSatisfying(
            w ->
                assertThat(w)
                    .contains("reaches as https://host.containers.internal:8443/")
                    .contains(
                        "whose TLS certificate names localhost, 127.0.0.1, not"
                            + " host.containers.internal")
                    .contains("subject alternative names")
                    .contains("artifacts.results-url"));
    assertThat(HostLoopback.unreachable("https://localhost:8443/", hosts, a -> {}, a -> List.of()))
        .hasValueSatisfying(w -> assertThat(w).contains("certificate names nothing, not"));
  }

  @Test
  void theHostsNameOrAWildcardOfItsFirstLabelNameIt() {
    assertThat(HostLoopback.namesHost("host.containers.internal")).isTrue();
    assertThat(HostLoopback.namesHost("HOST.Containers.Internal")).isTrue();
    assertThat(HostLoopback.namesHost("*.containers.internal")).isTrue();
    assertThat(HostLoopback.namesHost("*.internal")).isFalse();
    assertThat(HostLoopback.namesHost("localhost")).isFalse();
    assertThat(HostLoopback.namesHost("10.88.0.1")).isFalse();
  }

  /** A real TLS server: its certificate's names are read, though nothing trusts it. */
  @Test
  void readsTheNamesOfTheCertificateATlsServerPresents() throws Exception {
    Path store = dir.resolve("server.p12");
    Process keytool =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair",
                "-alias",
                "server",
                "-keyalg",
                "EC",
                "-groupname",
                "secp256r1",
                "-dname",
                "CN=pipewright",
                "-ext",
                "SAN=dns:localhost,ip:127.0.0.1",
                "-validity",
                "1",
                "-storetype",
                "PKCS12",
                "-keystore",
                store.toString(),
                "-storepass",
                "changeit")
            .redirectErrorStream(true)
            .start();
    String out = new String(keytool.getInputStream().readAllBytes());
    assertThat(keytool.waitFor()).as(out).isZero();
    KeyStore keys = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(store)) {
      keys.load(in, "changeit".toCharArray());
    }
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(keys, "changeit".toCharArray());
    SSLContext tls = SSLContext.getInstance("TLS");
    tls.init(kmf.getKeyManagers(), null, null);
    try (SSLServerSocket server =
        (SSLServerSocket)
            tls.getServerSocketFactory()
                .createServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Thread.ofVirtual()
          .start(
              () -> {
                try (SSLSocket s = (SSLSocket) server.accept()) {
                  s.startHandshake();
                  s.getInputStream().read();
                } catch (IOException e) {
                  // The client closes once it read the certificate.
                }
              });
      assertThat(
              HostLoopback.certificateNames(
                  new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort())))
          .containsExactly("localhost", "127.0.0.1");
    }
  }
}
