package dev.pipewright.ops.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import dev.pipewright.auth.Role;
import dev.pipewright.ops.config.Listeners;
import dev.pipewright.ops.metrics.PipewrightMetrics;
import dev.pipewright.ops.tls.ServerTls;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLParameters;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP side of a Pipewright process (JDK HTTP server, virtual threads):
 *
 * <ul>
 *   <li>{@code GET /healthz}: 200 {@code ok} while the process runs, 503 {@code shutting down} once
 *       {@link #markShuttingDown()} was called (liveness).
 *   <li>{@code GET /readyz}: runs every readiness check in parallel, each bounded by the readiness
 *       timeout; 200 when all are up, else 503; the JSON body lists each check (see {@link
 *       Readiness#toJson()}). 503 without running them while shutting down, so a load balancer
 *       drains the process first.
 *   <li>{@code GET /metrics}: Prometheus text format 0.0.4, when metrics were given; open, or for
 *       callers with an API token ({@link Builder#protectMetrics}).
 *   <li>any extra route, e.g. the entry API's plain-text logs.
 * </ul>
 *
 * <pre>{@code
 * OpsHttpServer http = OpsHttpServer.builder(config.httpPort())
 *     .expose(config.listeners(), serverTls, guard)   // bind address, TLS, token for /metrics
 *     .metrics(metrics)
 *     .readiness("database", () -> dsl.selectOne().fetch())
 *     .readiness("rabbitmq", ReadinessCheck.of(queue::reachable))
 *     .route("/builds/", guard.require(Role.READ, logsHandler))
 *     .start();
 * log.info("HTTP on port {}", http.port());   // the bound port, also for port 0
 * }</pre>
 */
public final class OpsHttpServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(OpsHttpServer.class);
  static final String METRICS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
  private static final String TEXT = "text/plain; charset=utf-8";

  private final HttpServer server;
  private final ExecutorService executor;
  private final Map<String, ReadinessCheck> checks;
  private final Duration readinessTimeout;
  private volatile boolean shuttingDown;

  private OpsHttpServer(Builder b) throws IOException {
    this.checks = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(b.checks));
    this.readinessTimeout = b.readinessTimeout;
    this.executor = Executors.newVirtualThreadPerTaskExecutor();
    InetSocketAddress address = new InetSocketAddress(b.bindAddress, b.port);
    this.server = b.tls == null ? HttpServer.create(address, 0) : https(address, b.tls);
    server.setExecutor(executor);
    Map<String, HttpHandler> routes = new LinkedHashMap<>();
    routes.put("/healthz", exact("/healthz", this::healthz));
    routes.put("/readyz", exact("/readyz", this::readyz));
    if (b.metrics != null) {
      PrometheusMeterRegistry registry = b.metrics;
      HttpHandler scrape = ex -> reply(ex, 200, METRICS_CONTENT_TYPE, registry.scrape());
      routes.put(
          "/metrics",
          exact(
              "/metrics",
              b.metricsGuard == null ? scrape : b.metricsGuard.require(Role.READ, scrape)));
    }
    b.routes.forEach(
        (path, handler) -> {
          if (routes.containsKey(path)) {
            throw new IllegalArgumentException("route already served: " + path);
          }
          routes.put(path, handler);
        });
    routes.putIfAbsent("/", ex -> reply(ex, 404, TEXT, "not found\n"));
    routes.forEach((path, handler) -> server.createContext(path, guarded(handler)));
  }

  public static Builder builder(int port) {
    return new Builder(port);
  }

  /** TLS only, with the certificate of the moment; client certificates when {@code tls} asks. */
  private static HttpsServer https(InetSocketAddress address, ServerTls tls) throws IOException {
    HttpsServer https = HttpsServer.create(address, 0);
    https.setHttpsConfigurator(
        new HttpsConfigurator(tls.sslContext()) {
          @Override
          public void configure(HttpsParameters params) {
            SSLParameters ssl = getSSLContext().getDefaultSSLParameters();
            ssl.setNeedClientAuth(tls.clientAuth());
            params.setSSLParameters(ssl);
          }
        });
    return https;
  }

  /** Configures the server; {@link #start()} binds it. */
  public static final class Builder {
    private final int port;
    private String bindAddress = "127.0.0.1";
    private ServerTls tls;
    private HttpGuard metricsGuard;
    private final Map<String, ReadinessCheck> checks = new LinkedHashMap<>();
    private final Map<String, HttpHandler> routes = new LinkedHashMap<>();
    private Duration readinessTimeout = Duration.ofSeconds(2);
    private PrometheusMeterRegistry metrics;

    private Builder(int port) {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port out of range: " + port);
      }
      this.port = port;
    }

    /**
     * Exposed as {@code listeners} say, the one way every service's HTTP port is: on their bind
     * address, with {@code tls} when they turn TLS on (its owner reloads and closes it), and {@code
     * /metrics} behind {@code guard} when they ask for tokens there.
     */
    public Builder expose(Listeners listeners, Optional<ServerTls> tls, HttpGuard guard) {
      bindAddress(listeners.bindAddress());
      tls.ifPresent(this::tls);
      if (listeners.metricsNeedToken()) {
        protectMetrics(guard);
      }
      return this;
    }

    /** The address to listen on (default {@code 127.0.0.1}): {@code bind-address}. */
    public Builder bindAddress(String address) {
      this.bindAddress = Objects.requireNonNull(address, "address");
      return this;
    }

    /** Serves HTTPS only, with {@code tls}'s certificate (which its owner reloads and closes). */
    public Builder tls(ServerTls tls) {
      this.tls = Objects.requireNonNull(tls, "tls");
      return this;
    }

    /** {@code /metrics} for callers with a valid API token (any role) only. */
    public Builder protectMetrics(HttpGuard guard) {
      this.metricsGuard = Objects.requireNonNull(guard, "guard");
      return this;
    }

    /** Serves {@code /metrics} from these metrics' Prometheus registry. */
    public Builder metrics(PipewrightMetrics metrics) {
      return metrics(metrics.prometheusRegistry());
    }

    public Builder metrics(PrometheusMeterRegistry registry) {
      this.metrics = Objects.requireNonNull(registry, "registry");
      return this;
    }

    /** Adds a check to {@code /readyz}; checks are listed in the order added. */
    public Builder readiness(String name, ReadinessCheck check) {
      if (checks.putIfAbsent(name, Objects.requireNonNull(check, "check")) != null) {
        throw new IllegalArgumentException("readiness check already added: " + name);
      }
      return this;
    }

    /** How long {@code /readyz} waits for its checks (default 2 s); slower ones count as down. */
    public Builder readinessTimeout(Duration timeout) {
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("readiness timeout must be positive: " + timeout);
      }
      this.readinessTimeout = timeout;
      return this;
    }

    /**
     * Serves {@code path} and everything under it with {@code handler} (JDK context semantics). An
     * exception from the handler is logged and answered 500.
     */
    public Builder route(String path, HttpHandler handler) {
      if (!path.startsWith("/")) {
        throw new IllegalArgumentException("a route starts with '/': " + path);
      }
      routes.put(path, Objects.requireNonNull(handler, "handler"));
      return this;
    }

    /**
     * Binds and starts serving.
     *
     * @throws UncheckedIOException if the port cannot be bound
     */
    public OpsHttpServer start() {
      OpsHttpServer server;
      try {
        server = new OpsHttpServer(this);
      } catch (IOException e) {
        throw new UncheckedIOException(
            "cannot listen on HTTP port " + port + " of " + bindAddress, e);
      }
      server.server.start();
      return server;
    }
  }

  /** The bound port (the chosen one when built with port 0). */
  public int port() {
    return server.getAddress().getPort();
  }

  /**
   * From now on {@code /healthz} and {@code /readyz} answer 503; the server keeps serving (metrics
   * and logs stay readable while the process drains). Register it with {@code
   * GracefulShutdown.onBegin}.
   */
  public void markShuttingDown() {
    shuttingDown = true;
  }

  /** Runs the readiness checks now, as {@code /readyz} does. */
  public Readiness readiness() {
    if (shuttingDown) {
      return new Readiness("shutting_down", List.of());
    }
    long deadline = System.nanoTime() + readinessTimeout.toNanos();
    Map<String, Future<Long>> running = new LinkedHashMap<>();
    checks.forEach(
        (name, check) ->
            running.put(
                name,
                executor.submit(
                    () -> {
                      long start = System.nanoTime();
                      check.check();
                      return System.nanoTime() - start;
                    })));
    List<Readiness.Check> results = new ArrayList<>();
    boolean allUp = true;
    for (Map.Entry<String, Future<Long>> e : running.entrySet()) {
      Readiness.Check result = await(e.getKey(), e.getValue(), deadline);
      allUp &= result.up();
      results.add(result);
    }
    return new Readiness(allUp ? "ready" : "not_ready", results);
  }

  private Readiness.Check await(String name, Future<Long> future, long deadline) {
    long started = deadline - readinessTimeout.toNanos();
    try {
      long nanos = future.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      return new Readiness.Check(name, true, TimeUnit.NANOSECONDS.toMillis(nanos), null);
    } catch (TimeoutException e) {
      future.cancel(true);
      return down(name, started, "timed out after " + readinessTimeout.toMillis() + " ms");
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      String message =
          cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
      return down(name, started, message);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      future.cancel(true);
      return down(name, started, "interrupted");
    }
  }

  private static Readiness.Check down(String name, long startedNanos, String error) {
    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedNanos);
    return new Readiness.Check(name, false, millis, error);
  }

  private void healthz(HttpExchange exchange) throws IOException {
    if (shuttingDown) {
      reply(exchange, 503, TEXT, "shutting down\n");
    } else {
      reply(exchange, 200, TEXT, "ok\n");
    }
  }

  private void readyz(HttpExchange exchange) throws IOException {
    Readiness r = readiness();
    reply(exchange, r.ready() ? 200 : 503, "application/json", r.toJson() + "\n");
  }

  /** The built-in endpoints answer their exact path and GET/HEAD only. */
  private static HttpHandler exact(String path, HttpHandler handler) {
    return exchange -> {
      if (!exchange.getRequestURI().getPath().equals(path)) {
        reply(exchange, 404, TEXT, "not found\n");
      } else if (readOnly(exchange)) {
        handler.handle(exchange);
      }
    };
  }

  /**
   * Whether the request is a GET or HEAD; anything else is answered 405 here (with {@code Allow}),
   * for routes that only read.
   */
  public static boolean readOnly(HttpExchange exchange) throws IOException {
    String method = exchange.getRequestMethod();
    if (method.equals("GET") || method.equals("HEAD")) {
      return true;
    }
    exchange.getResponseHeaders().set("Allow", "GET, HEAD");
    reply(exchange, 405, TEXT, "method not allowed\n");
    return false;
  }

  private static HttpHandler guarded(HttpHandler handler) {
    return exchange -> {
      try {
        handler.handle(exchange);
      } catch (IOException e) {
        // The client went away mid-response, or the response failed half sent (a damaged blob):
        // nothing to answer. Thrown on so that the server closes the connection of a response
        // left unfinished; kept open, its client would wait for the rest for ever.
        log.debug(
            "HTTP {} {}: {}", exchange.getRequestMethod(), exchange.getRequestURI(), e.toString());
        throw e;
      } catch (RuntimeException e) {
        log.warn("HTTP {} {} failed", exchange.getRequestMethod(), exchange.getRequestURI(), e);
        if (exchange.getResponseCode() == -1) {
          reply(exchange, 500, TEXT, "internal error\n");
        }
      } finally {
        exchange.close();
      }
    };
  }

  /** Writes a whole response; HEAD gets the headers only. */
  public static void reply(HttpExchange exchange, int status, String contentType, String body)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", contentType);
    if (exchange.getRequestMethod().equals("HEAD")) {
      exchange.sendResponseHeaders(status, -1);
      return;
    }
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  /** Stops listening at once and abandons running requests and checks. */
  @Override
  public void close() {
    shuttingDown = true;
    server.stop(0);
    executor.shutdownNow();
  }
}
