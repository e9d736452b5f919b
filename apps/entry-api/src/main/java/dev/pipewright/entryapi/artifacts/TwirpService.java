package dev.pipewright.entryapi.artifacts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.pipewright.auth.RuntimeScope;
import dev.pipewright.auth.RuntimeTokens;
import dev.pipewright.blobs.BlobIntegrityException;
import dev.pipewright.models.CiException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Objects;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /twirp/<service>/<Method>} with a JSON body, authorised by the job's {@code
 * ACTIONS_RUNTIME_TOKEN} only: what the results services of the toolkit's Twirp clients
 * (artifact-twirp-client.ts, cache's shared/cacheTwirpClient.ts) call. Errors are Twirp JSON errors
 * with Twirp's HTTP statuses; both clients retry 429 and 5xx and fail at once on the rest, so
 * refusals are 4xx.
 */
abstract class TwirpService implements HttpHandler {
  private static final Logger log = LoggerFactory.getLogger(TwirpService.class);
  private static final int MAX_BODY = 64 * 1024;

  /**
   * What every service checks and signs with.
   *
   * @param tokens checks the runtime tokens
   * @param baseUrl the base of signed URLs for a request
   */
  record Access(RuntimeTokens tokens, Function<HttpExchange, String> baseUrl) {
    Access {
      Objects.requireNonNull(tokens, "tokens");
      Objects.requireNonNull(baseUrl, "baseUrl");
    }
  }

  private final String path;
  private final SignedUrls urls;
  private final Access access;

  /**
   * @param path {@code /twirp/<service>/}
   * @param urls the signed URLs of the service's bytes
   */
  TwirpService(String path, SignedUrls urls, Access access) {
    this.path = Objects.requireNonNull(path);
    this.urls = Objects.requireNonNull(urls);
    this.access = Objects.requireNonNull(access);
  }

  /** A signed URL, for the client that sent {@code exchange}, of the bytes of {@code id}. */
  String signedUrl(HttpExchange exchange, long id, SignedUrls.Access permission) {
    return urls.sign(access.baseUrl().apply(exchange), id, permission);
  }

  /** A refusal with its Twirp code and HTTP status. */
  static final class TwirpError extends RuntimeException {
    final int status;
    final String code;

    TwirpError(int status, String code, String message) {
      super(message);
      this.status = status;
      this.code = code;
    }
  }

  /** Answers {@code method} for the token's {@code scope}. */
  abstract ObjectNode call(
      String method, RuntimeScope scope, JsonNode request, HttpExchange exchange)
      throws IOException;

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    ObjectNode reply;
    int status = 200;
    try {
      reply = dispatch(exchange);
    } catch (TwirpError e) {
      status = e.status;
      reply = TwirpJson.error(e.code, e.getMessage());
    } catch (IllegalArgumentException | BlobIntegrityException e) {
      status = 400;
      reply = TwirpJson.error("invalid_argument", e.getMessage());
    } catch (CiException e) {
      status = Statuses.of(e.code());
      reply = TwirpJson.error(twirpCode(status), e.getMessage());
    }
    if (status >= 400) {
      log.info("{}: {} {}", exchange.getRequestURI().getPath(), status, reply.path("msg").asText());
    }
    byte[] body = TwirpJson.MAPPER.writeValueAsBytes(reply);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  private ObjectNode dispatch(HttpExchange exchange) throws IOException {
    if (!exchange.getRequestMethod().equals("POST")) {
      throw new TwirpError(405, "bad_route", "Twirp methods are called with POST");
    }
    String method = exchange.getRequestURI().getPath().substring(path.length());
    RuntimeScope scope = scope(exchange, access.tokens());
    return call(method, scope, TwirpJson.parse(body(exchange)), exchange);
  }

  static TwirpError noMethod(String method) {
    return new TwirpError(404, "bad_route", "no method " + method);
  }

  /** The scope of the request's bearer runtime token; 401 without a valid one. */
  static RuntimeScope scope(HttpExchange exchange, RuntimeTokens tokens) {
    String header = exchange.getRequestHeaders().getFirst("Authorization");
    if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      throw new TwirpError(401, "unauthenticated", "an ACTIONS_RUNTIME_TOKEN is required");
    }
    try {
      return tokens.check(header.substring(7).strip());
    } catch (RuntimeTokens.InvalidRuntimeToken e) {
      throw new TwirpError(401, "unauthenticated", e.getMessage());
    }
  }

  /** A JSON request's body, at most 64 KiB (413 past it). */
  static byte[] body(HttpExchange exchange) throws IOException {
    try (InputStream in = exchange.getRequestBody()) {
      byte[] body = in.readNBytes(MAX_BODY + 1);
      if (body.length > MAX_BODY) {
        throw new TwirpError(413, "invalid_argument", "request body over " + MAX_BODY + " bytes");
      }
      return body;
    }
  }

  private static String twirpCode(int status) {
    return switch (status) {
      case 404 -> "not_found";
      case 409 -> "already_exists";
      case 400 -> "invalid_argument";
      case 503 -> "unavailable";
      default -> "internal";
    };
  }
}
