package dev.pipewright.auth;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pipewright.secrets.Signer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Objects;
import java.util.UUID;

/**
 * {@code ACTIONS_RUNTIME_TOKEN}s: JWTs (HS256) signed with the secret key file's keys through a
 * {@link Signer} of purpose {@code runtime-token}, the key id in the header. The toolkit reads the
 * token itself: {@code @actions/artifact} decodes it (without checking it) and takes its backend
 * ids from the {@code scp} claim, {@code "Actions.Results:<run id>:<job id>"}
 * (packages/artifact/src/internal/shared/util.ts, getBackendIdsFromToken), so that claim has
 * GitHub's shape; Pipewright's own claims say which build, job and repository the token is for.
 */
public final class RuntimeTokens {
  /** The purpose its signer signs for. */
  public static final String PURPOSE = "runtime-token";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder B64D = Base64.getUrlDecoder();

  private final Signer signer;
  private final Clock clock;

  public RuntimeTokens(Signer signer, Clock clock) {
    this.signer = Objects.requireNonNull(signer, "signer");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * A token for {@code job} of {@code build} in {@code repository} at {@code ref}, valid for {@code
   * lifetime}.
   */
  public String issue(UUID build, String job, String repository, String ref, Duration lifetime) {
    if (lifetime.isNegative() || lifetime.isZero()) {
      throw new IllegalArgumentException("a runtime token lives a positive time: " + lifetime);
    }
    Instant now = clock.instant();
    RuntimeScope scope = new RuntimeScope(build, job, repository, ref, now.plus(lifetime));
    ObjectNode payload = JSON.createObjectNode();
    payload.put("scp", "Actions.Results:" + scope.runBackendId() + ":" + scope.jobBackendId());
    payload.put("pw_build", build.toString());
    payload.put("pw_job", job);
    payload.put("pw_repo", repository);
    payload.put("pw_ref", ref);
    payload.put("iat", now.getEpochSecond());
    payload.put("exp", scope.expiresAt().getEpochSecond());
    ObjectNode header = JSON.createObjectNode();
    header.put("alg", "HS256");
    header.put("typ", "JWT");
    header.put("kid", signer.signingKeyId());
    String signed = encode(header) + "." + encode(payload);
    byte[] mac = signer.sign(signed.getBytes(StandardCharsets.US_ASCII)).mac();
    return signed + "." + B64.encodeToString(mac);
  }

  /**
   * The scope of a token this installation issued and that has not expired.
   *
   * @throws InvalidRuntimeToken saying why not (never echoing the token)
   */
  public RuntimeScope check(String token) {
    if (token == null || token.isEmpty()) {
      throw new InvalidRuntimeToken("no runtime token");
    }
    String[] parts = token.split("\\.", -1);
    if (parts.length != 3) {
      throw new InvalidRuntimeToken("not a runtime token");
    }
    JsonNode header = decode(parts[0]);
    if (!"HS256".equals(header.path("alg").asText())) {
      throw new InvalidRuntimeToken("runtime token not signed with HS256");
    }
    byte[] mac;
    try {
      mac = B64D.decode(parts[2]);
    } catch (IllegalArgumentException e) {
      throw new InvalidRuntimeToken("runtime token signature is not base64url");
    }
    byte[] signed = (parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII);
    if (!signer.verify(header.path("kid").asText(null), signed, mac)) {
      throw new InvalidRuntimeToken("runtime token signature does not verify");
    }
    JsonNode payload = decode(parts[1]);
    Instant expires = Instant.ofEpochSecond(payload.path("exp").asLong(0));
    if (!clock.instant().isBefore(expires)) {
      throw new InvalidRuntimeToken("runtime token expired at " + expires);
    }
    try {
      return new RuntimeScope(
          UUID.fromString(payload.path("pw_build").asText()),
          payload.path("pw_job").asText(),
          payload.path("pw_repo").asText(),
          payload.path("pw_ref").asText(),
          expires);
    } catch (IllegalArgumentException e) {
      throw new InvalidRuntimeToken("runtime token lacks its build or job");
    }
  }

  private static String encode(ObjectNode node) {
    try {
      return B64.encodeToString(JSON.writeValueAsBytes(node));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static JsonNode decode(String part) {
    try {
      JsonNode node = JSON.readTree(B64D.decode(part));
      if (node == null || !node.isObject()) {
        throw new InvalidRuntimeToken("runtime token part is not a JSON object");
      }
      return node;
    } catch (IllegalArgumentException | java.io.IOException e) {
      throw new InvalidRuntimeToken("runtime token part is not base64url JSON");
    }
  }

  /** A token that is not one of ours, or no longer valid. */
  public static final class InvalidRuntimeToken extends RuntimeException {
    public InvalidRuntimeToken(String message) {
      super(message);
    }
  }
}
