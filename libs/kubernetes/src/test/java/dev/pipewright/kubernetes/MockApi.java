package dev.pipewright.kubernetes;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.Interceptor;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.MockResponse;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Fabric8's mock API server in CRUD mode (a real HTTP server keeping objects in memory), with the
 * PipelineRun CRD from crds/ installed and clients that count their write requests.
 */
public final class MockApi implements AutoCloseable {
  /** The committed CRD, from the module directory (tests) or the repository root (exec:java). */
  public static final Path CRD =
      Stream.of("../../crds", "crds")
          .map(d -> Path.of(d, "pipelineruns.pipewright.dev-v1.yml"))
          .filter(Files::exists)
          .findFirst()
          .orElse(Path.of("../../crds/pipelineruns.pipewright.dev-v1.yml"));

  /**
   * The mock server logs every request at INFO through java.util.logging: formatting those lines
   * costs more CPU than serving the request. Held here so the level survives logger GC.
   */
  private static final Logger MOCK_LOG = quiet(Logger.getLogger("io.fabric8.mockwebserver"));

  private final KubernetesMockServer server;

  /**
   * What the mock serves as a pod's log ({@code pods/<name>/log}, which CRUD mode does not serve):
   * the file the {@code FakeKubelet} writes a pod's output to, by pod name.
   */
  private final Map<String, Path> podLogs = new ConcurrentHashMap<>();

  public MockApi() {
    server =
        new KubernetesMockServer(
            new Context(), new MockWebServer(), new HashMap<>(), new PodLogs(podLogs), false);
    server.init();
    try (KubernetesClient admin = server.createClient();
        InputStream in = Files.newInputStream(CRD)) {
      CustomResourceDefinition crd =
          admin.apiextensions().v1().customResourceDefinitions().load(in).item();
      admin.apiextensions().v1().customResourceDefinitions().resource(crd).create();
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + CRD.toAbsolutePath(), e);
    }
  }

  /** A client whose POST, PUT, PATCH and DELETE requests are added to {@code writes}. */
  public KubernetesClient client(AtomicLong writes) {
    Interceptor counter =
        new Interceptor() {
          @Override
          public void before(BasicBuilder builder, HttpRequest request, RequestTags tags) {
            switch (request.method()) {
              case "POST", "PUT", "PATCH", "DELETE" -> writes.incrementAndGet();
              default -> {}
            }
          }
        };
    return server.createClient(
        b -> b.withHttpClientBuilderConsumer(h -> h.addOrReplaceInterceptor("count", counter)));
  }

  private static Logger quiet(Logger logger) {
    logger.setLevel(Level.WARNING);
    return logger;
  }

  /** Pod name → the file its log is; the fake kubelet fills it. */
  public Map<String, Path> podLogs() {
    return podLogs;
  }

  /** CRUD, and the logs of the pods in {@link #podLogs}; other pods' logs stay unserved. */
  private static final class PodLogs extends KubernetesCrudDispatcher {
    private static final Pattern LOG =
        Pattern.compile("/api/v1/namespaces/[^/]+/pods/([^/?]+)/log(\\?.*)?");

    private final Map<String, Path> files;

    PodLogs(Map<String, Path> files) {
      this.files = files;
    }

    @Override
    public MockResponse handleGet(String path) {
      Matcher m = LOG.matcher(path);
      Path file = m.matches() ? files.get(m.group(1)) : null;
      if (file == null) {
        return super.handleGet(path);
      }
      try {
        return new MockResponse().setResponseCode(200).setBody(Files.readAllBytes(file));
      } catch (IOException e) {
        return new MockResponse().setResponseCode(500).setBody(e.toString());
      }
    }
  }

  public KubernetesClient client() {
    return server.createClient();
  }

  @Override
  public void close() {
    server.destroy();
  }
}
