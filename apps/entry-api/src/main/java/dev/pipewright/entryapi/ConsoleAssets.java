package dev.pipewright.entryapi;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.pipewright.ops.http.OpsHttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Map;

/**
 * {@code GET /console/...}: the web console's static files, which apps/console builds into the
 * classpath's {@code pipewright-console/}. Open to everyone, as they hold no data: every data route
 * needs a token ({@link ConsoleApi}). A path that names no file is the app's page ({@code
 * index.html}), whose router shows it, so a link to a build or a log line loads directly.
 */
final class ConsoleAssets implements HttpHandler {
  static final String PATH = "/console/";
  static final String ROOT = "pipewright-console/";
  private static final String TEXT = "text/plain; charset=utf-8";

  private static final Map<String, String> TYPES =
      Map.of(
          "html", "text/html; charset=utf-8",
          "js", "text/javascript; charset=utf-8",
          "css", "text/css; charset=utf-8",
          "svg", "image/svg+xml",
          "png", "image/png",
          "ico", "image/x-icon",
          "json", "application/json");

  // Inline styles carry the DAG's positions and the logs' 256-colour codes; scripts only from here.
  private static final String POLICY =
      "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:;"
          + " frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

  private final ClassLoader loader;

  ConsoleAssets(ClassLoader loader) {
    this.loader = loader;
  }

  /** The resource a request path names, or null when it names none (the app's page then). */
  static String resource(String path) {
    if (!path.startsWith(PATH)) {
      return null;
    }
    String rest = path.substring(PATH.length());
    if (rest.isEmpty() || rest.contains("..") || rest.contains("//") || rest.startsWith("/")) {
      return null;
    }
    return ROOT + rest;
  }

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    if (!OpsHttpServer.readOnly(exchange)) {
      return;
    }
    String name = resource(exchange.getRequestURI().getPath());
    boolean asset = name != null && loader.getResource(name) != null;
    if (!asset) {
      if (name != null && name.startsWith(ROOT + "assets/")) {
        // A missing hashed file is an old page asking for a replaced build: no page instead.
        OpsHttpServer.reply(exchange, 404, TEXT, "not found\n");
        return;
      }
      name = ROOT + "index.html";
    }
    try (InputStream in = loader.getResourceAsStream(name)) {
      if (in == null) {
        OpsHttpServer.reply(
            exchange, 404, TEXT, "the web console is not in this build (apps/console)\n");
        return;
      }
      var headers = exchange.getResponseHeaders();
      headers.set("Content-Type", type(name));
      headers.set("X-Content-Type-Options", "nosniff");
      headers.set("Content-Security-Policy", POLICY);
      headers.set("Referrer-Policy", "no-referrer");
      // Vite names built files by their content hash: they never change under one name.
      headers.set(
          "Cache-Control",
          name.startsWith(ROOT + "assets/") ? "public, max-age=31536000, immutable" : "no-cache");
      if (exchange.getRequestMethod().equals("HEAD")) {
        exchange.sendResponseHeaders(200, -1);
        return;
      }
      exchange.sendResponseHeaders(200, 0);
      try (OutputStream out = exchange.getResponseBody()) {
        in.transferTo(out);
      }
    }
  }

  /**
   * {@code /}: sends a browser to the console; every other path nothing serves is 404, as the
   * server's own fallback answers it.
   */
  static void root(HttpExchange exchange) throws IOException {
    if (!exchange.getRequestURI().getPath().equals("/")) {
      OpsHttpServer.reply(exchange, 404, TEXT, "not found\n");
      return;
    }
    exchange.getResponseHeaders().set("Location", PATH);
    exchange.sendResponseHeaders(303, -1);
  }

  static String type(String name) {
    String extension = name.substring(name.lastIndexOf('.') + 1);
    return TYPES.getOrDefault(extension, "application/octet-stream");
  }
}
