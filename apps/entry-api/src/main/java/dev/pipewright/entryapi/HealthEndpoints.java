package dev.pipewright.entryapi;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;

/**
 * The HTTP side for probes: {@code /healthz} answers while the process runs, {@code /readyz} only
 * while every dependency answers (200, else 503), listing each as {@code name ok|down}.
 */
final class HealthEndpoints implements AutoCloseable {
  private final HttpServer server;
  private final ExecutorService executor;

  HealthEndpoints(int port, Map<String, BooleanSupplier> dependencies) throws IOException {
    this.server = HttpServer.create(new InetSocketAddress(port), 0);
    this.executor = Executors.newVirtualThreadPerTaskExecutor();
    server.setExecutor(executor);
    server.createContext("/healthz", exchange -> reply(exchange, 200, "ok\n"));
    server.createContext(
        "/readyz",
        exchange -> {
          Map<String, Boolean> checks = new LinkedHashMap<>();
          dependencies.forEach((name, check) -> checks.put(name, safely(check)));
          reply(exchange, checks.containsValue(false) ? 503 : 200, report(checks));
        });
  }

  void start() {
    server.start();
  }

  int port() {
    return server.getAddress().getPort();
  }

  static String report(Map<String, Boolean> checks) {
    StringBuilder body = new StringBuilder();
    checks.forEach((name, ok) -> body.append(name).append(ok ? " ok\n" : " down\n"));
    return body.toString();
  }

  private static boolean safely(BooleanSupplier check) {
    try {
      return check.getAsBoolean();
    } catch (RuntimeException e) {
      return false;
    }
  }

  private static void reply(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
