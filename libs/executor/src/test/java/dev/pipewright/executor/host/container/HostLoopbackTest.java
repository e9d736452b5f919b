package dev.pipewright.executor.host.container;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pipewright.executor.RuntimeServices;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
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
    assertThat(HostLoopback.unreachable("http://127.0.0.1:8080/", hosts, probed::add)).isEmpty();
    assertThat(HostLoopback.unreachable("https://localhost/", hosts, probed::add)).isEmpty();
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
            });
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
                }))
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
    assertThat(HostLoopback.unreachable("http://api:8080/", hosts, never)).isEmpty();
    assertThat(HostLoopback.unreachable("http://127.0.0.1:8080/", dir.resolve("none"), never))
        .isEmpty();
  }
}
