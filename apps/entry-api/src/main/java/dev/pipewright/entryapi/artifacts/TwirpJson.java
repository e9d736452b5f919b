package dev.pipewright.entryapi.artifacts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pipewright.store.ArtifactRow;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Optional;

/**
 * The JSON of {@code github.actions.results.api.v1.ArtifactService} and {@code CacheService} as
 * protobuf-ts writes and reads it ({@code @actions/artifact} generated/results/api/v1/artifact.ts,
 * {@code @actions/cache} generated/results/api/v1/cache.ts, and their twirp clients): requests with
 * proto field names ({@code useProtoFieldName}), wrappers ({@code StringValue}, {@code Int64Value})
 * as bare values, int64 as strings, timestamps as RFC 3339. Either field-name form is read, as
 * proto3 JSON parsers do.
 */
final class TwirpJson {
  static final ObjectMapper MAPPER = new ObjectMapper();

  private TwirpJson() {}

  /** The fields every request carries. */
  record Ids(String runBackendId, String jobBackendId) {}

  record Create(Ids ids, String name, Optional<Instant> expiresAt, int version) {}

  record Finalize(Ids ids, String name, long size, Optional<String> hash) {}

  record ListRequest(Ids ids, Optional<String> nameFilter, Optional<Long> idFilter) {}

  /** GetSignedArtifactURL and DeleteArtifact. */
  record ByName(Ids ids, String name) {}

  /** CreateCacheEntry and FinalizeCacheEntryUpload (whose size is {@code size_bytes}). */
  record CacheEntry(String key, String version, long sizeBytes) {}

  /** GetCacheEntryDownloadURL. */
  record CacheLookup(String key, List<String> restoreKeys, String version) {}

  static CacheEntry cacheEntry(JsonNode n) {
    return new CacheEntry(
        text(n, "key", "key").orElse(""),
        text(n, "version", "version").orElse(""),
        int64(n, "size_bytes", "sizeBytes").orElse(0L));
  }

  static CacheLookup cacheLookup(JsonNode n) {
    JsonNode keys = n.has("restore_keys") ? n.get("restore_keys") : n.get("restoreKeys");
    List<String> restoreKeys = new java.util.ArrayList<>();
    if (keys != null && !keys.isNull()) {
      if (!keys.isArray()) {
        throw new IllegalArgumentException("restore_keys is not a list");
      }
      keys.forEach(k -> restoreKeys.add(k.asText()));
    }
    return new CacheLookup(
        text(n, "key", "key").orElse(""), restoreKeys, text(n, "version", "version").orElse(""));
  }

  /** CreateCacheEntryResponse. */
  static ObjectNode cacheUploadUrl(String url) {
    return MAPPER.createObjectNode().put("ok", true).put("signed_upload_url", url);
  }

  /** FinalizeCacheEntryUploadResponse. */
  static ObjectNode cacheEntryId(long id) {
    return MAPPER.createObjectNode().put("ok", true).put("entry_id", Long.toString(id));
  }

  /** GetCacheEntryDownloadURLResponse of a hit. */
  static ObjectNode cacheHit(String url, String matchedKey) {
    return MAPPER
        .createObjectNode()
        .put("ok", true)
        .put("signed_download_url", url)
        .put("matched_key", matchedKey);
  }

  /** GetCacheEntryDownloadURLResponse of a miss: not an error (restoreCacheV2 reads ok). */
  static ObjectNode cacheMiss() {
    return MAPPER.createObjectNode().put("ok", false);
  }

  static JsonNode parse(byte[] body) {
    try {
      JsonNode node = MAPPER.readTree(body);
      if (node == null || !node.isObject()) {
        throw new IllegalArgumentException("the request body is not a JSON object");
      }
      return node;
    } catch (IOException e) {
      throw new IllegalArgumentException("the request body is not JSON: " + e.getMessage());
    }
  }

  static Ids ids(JsonNode n) {
    return new Ids(
        text(n, "workflow_run_backend_id", "workflowRunBackendId").orElse(""),
        text(n, "workflow_job_run_backend_id", "workflowJobRunBackendId").orElse(""));
  }

  static Create create(JsonNode n) {
    Optional<Instant> expires =
        text(n, "expires_at", "expiresAt")
            .map(
                t -> {
                  try {
                    return Instant.parse(t);
                  } catch (DateTimeParseException e) {
                    throw new IllegalArgumentException("expires_at is not a timestamp: " + t);
                  }
                });
    return new Create(
        ids(n),
        text(n, "name", "name").orElse(""),
        expires,
        int64(n, "version", "version").orElse(0L).intValue());
  }

  static Finalize finalizeRequest(JsonNode n) {
    return new Finalize(
        ids(n),
        text(n, "name", "name").orElse(""),
        int64(n, "size", "size").orElse(0L),
        text(n, "hash", "hash"));
  }

  static ListRequest list(JsonNode n) {
    return new ListRequest(
        ids(n), text(n, "name_filter", "nameFilter"), int64(n, "id_filter", "idFilter"));
  }

  static ByName byName(JsonNode n) {
    return new ByName(ids(n), text(n, "name", "name").orElse(""));
  }

  static ObjectNode okWithUrl(String url) {
    return MAPPER.createObjectNode().put("ok", true).put("signed_upload_url", url);
  }

  static ObjectNode okWithId(long artifactId) {
    return MAPPER.createObjectNode().put("ok", true).put("artifact_id", Long.toString(artifactId));
  }

  static ObjectNode signedUrl(String url) {
    return MAPPER.createObjectNode().put("signed_url", url);
  }

  /** ListArtifactsResponse; {@code jobBackendIds} gives each artifact's job's backend id. */
  static ObjectNode artifacts(
      List<ArtifactRow> rows, java.util.function.Function<ArtifactRow, String> jobBackendId) {
    ObjectNode out = MAPPER.createObjectNode();
    ArrayNode list = out.putArray("artifacts");
    for (ArtifactRow a : rows) {
      ObjectNode o = list.addObject();
      o.put("workflow_run_backend_id", a.buildId().toString());
      o.put("workflow_job_run_backend_id", jobBackendId.apply(a));
      o.put("database_id", Long.toString(a.id()));
      o.put("name", a.name());
      o.put("size", Long.toString(a.size().orElse(0L)));
      o.put("created_at", a.createdAt().toString());
      a.blobSha256().ifPresent(sha -> o.put("digest", "sha256:" + sha));
    }
    return out;
  }

  /** A Twirp error body: {@code {"code": ..., "msg": ...}}. */
  static ObjectNode error(String code, String msg) {
    return MAPPER.createObjectNode().put("code", code).put("msg", msg);
  }

  private static Optional<String> text(JsonNode n, String protoName, String jsonName) {
    JsonNode v = n.has(protoName) ? n.get(protoName) : n.get(jsonName);
    if (v == null || v.isNull()) {
      return Optional.empty();
    }
    if (v.isObject() && v.has("value")) {
      v = v.get("value"); // a wrapper written as an object by a lenient client
    }
    if (!v.isValueNode()) {
      throw new IllegalArgumentException(protoName + " is not a string");
    }
    return Optional.of(v.asText());
  }

  private static Optional<Long> int64(JsonNode n, String protoName, String jsonName) {
    return text(n, protoName, jsonName)
        .map(
            t -> {
              try {
                return Long.parseLong(t);
              } catch (NumberFormatException e) {
                throw new IllegalArgumentException(protoName + " is not an integer: " + t);
              }
            });
  }
}
