package dev.pipewright.entryapi.artifacts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.pipewright.auth.RuntimeScope;
import dev.pipewright.entryapi.QueryString;
import dev.pipewright.models.CiException;
import dev.pipewright.store.CacheRow;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code <ACTIONS_CACHE_URL>_apis/artifactcache/…}: the legacy (v1) cache REST API, which
 * {@code @actions/cache} 4.x speaks without {@code ACTIONS_CACHE_SERVICE_V2} or when {@code
 * GITHUB_SERVER_URL} is not github.com (cacheHttpClient.ts): {@code GET cache?keys=&version=} (200
 * with {@code archiveLocation}, a signed URL of the blob routes, or 204), {@code POST caches}
 * (reserve: 201 {@code cacheId}), {@code PATCH caches/<id>} with {@code Content-Range} (a chunk,
 * 204), {@code POST caches/<id>} with the size (commit and finalize, 204). The same {@link
 * CacheService} and rules as the v2 service; an id opens only the token's own open entries.
 */
final class LegacyCacheRoutes implements HttpHandler {
  static final String PATH = "/_apis/artifactcache/";
  private static final Logger log = LoggerFactory.getLogger(LegacyCacheRoutes.class);
  private static final Pattern ENTRY = Pattern.compile("caches/(\\d{1,18})");
  private static final Pattern RANGE = Pattern.compile("bytes (\\d+)-(\\d+)/(\\*|\\d+)");

  private final CacheService service;
  private final SignedUrls urls;
  private final TwirpService.Access access;

  LegacyCacheRoutes(CacheService service, SignedUrls urls, TwirpService.Access access) {
    this.service = Objects.requireNonNull(service);
    this.urls = Objects.requireNonNull(urls);
    this.access = Objects.requireNonNull(access);
  }

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    int status;
    ObjectNode reply = null;
    try {
      RuntimeScope scope = TwirpService.scope(exchange, access.tokens());
      String resource = exchange.getRequestURI().getPath().substring(PATH.length());
      String method = exchange.getRequestMethod();
      Matcher entry = ENTRY.matcher(resource);
      if (method.equals("GET") && resource.equals("cache")) {
        reply = lookup(exchange, scope);
        status = reply == null ? 204 : 200;
      } else if (method.equals("POST") && resource.equals("caches")) {
        JsonNode body = TwirpJson.parse(TwirpService.body(exchange));
        CacheRow row =
            service.create(scope, body.path("key").asText(""), body.path("version").asText(""));
        reply = TwirpJson.MAPPER.createObjectNode().put("cacheId", row.id());
        status = 201;
      } else if (method.equals("PATCH") && entry.matches()) {
        chunk(exchange, scope, Long.parseLong(entry.group(1)));
        status = 204;
      } else if (method.equals("POST") && entry.matches()) {
        JsonNode body = TwirpJson.parse(TwirpService.body(exchange));
        if (!body.path("size").canConvertToLong()) {
          throw new IllegalArgumentException("a commit names the cache's size");
        }
        service.commitChunks(scope, Long.parseLong(entry.group(1)), body.path("size").asLong());
        status = 204;
      } else {
        status = 404;
        reply = message("no route " + method + " " + resource);
      }
    } catch (TwirpService.TwirpError e) {
      status = e.status;
      reply = message(e.getMessage());
    } catch (IllegalArgumentException e) {
      status = 400;
      reply = message(e.getMessage());
    } catch (CiException e) {
      status = Statuses.of(e.code());
      reply = message(e.getMessage());
    }
    if (status >= 400) {
      log.info(
          "Legacy cache API {} {}: {} {}",
          exchange.getRequestMethod(),
          exchange.getRequestURI().getPath(),
          status,
          reply.path("message").asText());
    }
    if (reply == null) {
      exchange.sendResponseHeaders(status, -1);
      return;
    }
    byte[] body = TwirpJson.MAPPER.writeValueAsBytes(reply);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  /** The entry a restore gets (ArtifactCacheEntry of contracts.d.ts), or null for none. */
  private ObjectNode lookup(HttpExchange exchange, RuntimeScope scope) {
    Map<String, String> query = QueryString.parse(exchange.getRequestURI().getRawQuery());
    List<String> keys = Arrays.asList(query.getOrDefault("keys", "").split(",", -1));
    Optional<CacheRow> hit =
        service.restore(
            scope,
            keys.getFirst(),
            keys.subList(1, keys.size()),
            query.getOrDefault("version", ""));
    return hit.map(
            r ->
                TwirpJson.MAPPER
                    .createObjectNode()
                    .put("cacheKey", r.key())
                    .put("scope", r.scope())
                    .put("creationTime", r.createdAt().toString())
                    .put(
                        "archiveLocation",
                        urls.sign(
                            access.baseUrl().apply(exchange), r.id(), SignedUrls.Access.READ)))
        .orElse(null);
  }

  private void chunk(HttpExchange exchange, RuntimeScope scope, long id) throws IOException {
    String range = exchange.getRequestHeaders().getFirst("Content-Range");
    Matcher m = range == null ? null : RANGE.matcher(range.strip());
    if (m == null || !m.matches()) {
      throw new IllegalArgumentException("a chunk needs Content-Range: bytes START-END/*");
    }
    long start = Long.parseLong(m.group(1));
    long end = Long.parseLong(m.group(2));
    if (end < start) {
      throw new IllegalArgumentException("empty Content-Range " + range);
    }
    service.openOwned(scope, id);
    try (InputStream body = exchange.getRequestBody()) {
      // The commit checks that the chunks' stored sizes join up to the committed size.
      service.uploads().stageBlock(id, ChunkOrder.blockId(start), body);
    }
  }

  private static ObjectNode message(String text) {
    return TwirpJson.MAPPER.createObjectNode().put("message", text);
  }
}
