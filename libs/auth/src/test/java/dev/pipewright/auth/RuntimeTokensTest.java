package dev.pipewright.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pipewright.secrets.SecretKeys;
import dev.pipewright.secrets.Signer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class RuntimeTokensTest {
  private static final SecretKeys KEYS = SecretKeys.parse(SecretKeys.newKeyLine("k1"), "f");
  private static final Instant NOW = Instant.parse("2026-12-07T03:00:00Z");
  private static final UUID BUILD = UUID.fromString("ce7f54c7-61c7-4aae-887f-30da475f5f1a");

  private static RuntimeTokens at(Instant now) {
    return new RuntimeTokens(
        Signer.of(KEYS, RuntimeTokens.PURPOSE), Clock.fixed(now, ZoneOffset.UTC));
  }

  @Test
  void aTokenNamesItsBuildJobAndRepositoryUntilItExpires() {
    String token =
        at(NOW).issue(BUILD, "test (linux, 1)", "acme/app", "refs/heads/dev", Duration.ofHours(6));

    RuntimeScope scope = at(NOW.plusSeconds(3600)).check(token);
    assertThat(scope.buildId()).isEqualTo(BUILD);
    assertThat(scope.jobKey()).isEqualTo("test (linux, 1)");
    assertThat(scope.repository()).isEqualTo("acme/app");
    assertThat(scope.ref()).isEqualTo("refs/heads/dev");
    assertThat(scope.expiresAt()).isEqualTo(NOW.plus(Duration.ofHours(6)));
    assertThatThrownBy(() -> at(NOW.plus(Duration.ofHours(6))).check(token))
        .isInstanceOf(RuntimeTokens.InvalidRuntimeToken.class)
        .hasMessageContaining("expired");
  }

  @Test
  void theScopeClaimHasTheShapeTheToolkitParses() throws Exception {
    // packages/artifact/src/internal/shared/util.ts: scp split on ' ', then "Actions.Results:a:b".
    String token = at(NOW).issue(BUILD, "build", "", "", Duration.ofMinutes(5));
    JsonNode payload =
        new ObjectMapper().readTree(Base64.getUrlDecoder().decode(token.split("\\.")[1]));
    JsonNode header =
        new ObjectMapper().readTree(Base64.getUrlDecoder().decode(token.split("\\.")[0]));
    RuntimeScope scope = at(NOW).check(token);

    assertThat(payload.get("scp").asText())
        .isEqualTo("Actions.Results:" + BUILD + ":" + scope.jobBackendId());
    assertThat(scope.jobBackendId()).doesNotContain(":").hasSize(36);
    assertThat(header.get("alg").asText()).isEqualTo("HS256");
    assertThat(header.get("kid").asText()).isEqualTo("k1");
  }

  @Test
  void aTamperedOrForeignTokenIsRefused() {
    String token =
        at(NOW).issue(BUILD, "build", "acme/app", "refs/heads/main", Duration.ofMinutes(5));
    String[] parts = token.split("\\.");
    String otherBuild =
        Base64.getUrlEncoder()
            .withoutPadding()
            .encodeToString(
                new String(Base64.getUrlDecoder().decode(parts[1]))
                    .replace(BUILD.toString(), UUID.randomUUID().toString())
                    .getBytes());
    RuntimeTokens foreign =
        new RuntimeTokens(
            Signer.of(SecretKeys.parse(SecretKeys.newKeyLine("k1"), "f"), RuntimeTokens.PURPOSE),
            Clock.fixed(NOW, ZoneOffset.UTC));

    assertThatThrownBy(() -> at(NOW).check(parts[0] + "." + otherBuild + "." + parts[2]))
        .hasMessageContaining("does not verify");
    assertThatThrownBy(() -> foreign.check(token)).hasMessageContaining("does not verify");
    assertThatThrownBy(() -> at(NOW).check("abc")).hasMessageContaining("not a runtime token");
    assertThatThrownBy(() -> at(NOW).check(null)).hasMessageContaining("no runtime token");
    assertThatThrownBy(() -> at(NOW).check("e30.e30.")).hasMessageContaining("HS256");
  }
}
