package dev.pipewright.entryapi.artifacts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import dev.pipewright.auth.RuntimeScope;
import dev.pipewright.store.CacheRow;
import java.util.Objects;
import java.util.Optional;

/**
 * {@code POST /twirp/github.actions.results.api.v1.CacheService/<Method>}: the v2 cache service
 * that {@code @actions/cache} 4.x calls with {@code ACTIONS_CACHE_SERVICE_V2} set (cache.ts
 * saveCacheV2 and restoreCacheV2). The client sends no scope: the token's repository and ref are
 * the scope. A create of an existing key and version is {@code 409 already_exists}, which
 * saveCacheV2 reports as "another job may be creating this cache" without failing the step; a
 * restore that matches nothing is {@code ok: false}.
 */
final class TwirpCache extends TwirpService {
  static final String PATH = "/twirp/github.actions.results.api.v1.CacheService/";

  private final CacheService service;

  TwirpCache(CacheService service, SignedUrls urls, Access access) {
    super(PATH, urls, access);
    this.service = Objects.requireNonNull(service);
  }

  @Override
  ObjectNode call(String method, RuntimeScope scope, JsonNode request, HttpExchange exchange) {
    return switch (method) {
      case "CreateCacheEntry" -> {
        TwirpJson.CacheEntry c = TwirpJson.cacheEntry(request);
        CacheRow row = service.create(scope, c.key(), c.version());
        yield TwirpJson.cacheUploadUrl(signedUrl(exchange, row.id(), SignedUrls.Access.WRITE));
      }
      case "FinalizeCacheEntryUpload" -> {
        TwirpJson.CacheEntry f = TwirpJson.cacheEntry(request);
        yield TwirpJson.cacheEntryId(
            service.finalizeEntry(scope, f.key(), f.version(), f.sizeBytes()));
      }
      case "GetCacheEntryDownloadURL" -> {
        TwirpJson.CacheLookup l = TwirpJson.cacheLookup(request);
        Optional<CacheRow> hit = service.restore(scope, l.key(), l.restoreKeys(), l.version());
        yield hit.map(
                r ->
                    TwirpJson.cacheHit(
                        signedUrl(exchange, r.id(), SignedUrls.Access.READ), r.key()))
            .orElseGet(TwirpJson::cacheMiss);
      }
      default -> throw noMethod(method);
    };
  }
}
