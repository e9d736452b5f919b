package dev.pipewright.entryapi;

import com.google.protobuf.Timestamp;
import dev.pipewright.api.ci.v1.ApiToken;
import dev.pipewright.auth.Role;
import dev.pipewright.auth.TokenInfo;
import java.time.Instant;
import java.util.Optional;

/**
 * The one translation between the ci.v1 token messages and libs/auth: the server answers with it,
 * the CLI reads the answers with it. Proto role numbers are {@link Role} ordinals plus one (0 is
 * unspecified).
 */
public final class TokenProtos {
  private TokenProtos() {}

  public static dev.pipewright.api.ci.v1.Role role(Role role) {
    return dev.pipewright.api.ci.v1.Role.forNumber(role.ordinal() + 1);
  }

  /**
   * @throws IllegalArgumentException for an unspecified or unknown role
   */
  public static Role role(dev.pipewright.api.ci.v1.Role role) {
    int n = role == dev.pipewright.api.ci.v1.Role.UNRECOGNIZED ? -1 : role.getNumber();
    if (n < 1 || n > Role.values().length) {
      throw new IllegalArgumentException("expected a role: read, submit or admin");
    }
    return Role.values()[n - 1];
  }

  public static ApiToken token(TokenInfo info) {
    ApiToken.Builder b =
        ApiToken.newBuilder()
            .setId(info.id())
            .setName(info.name())
            .setRole(role(info.role()))
            .setCreateTime(Protos.timestamp(info.createdAt()));
    info.revokedAt().ifPresent(t -> b.setRevokeTime(Protos.timestamp(t)));
    return b.build();
  }

  public static TokenInfo info(ApiToken token) {
    return new TokenInfo(
        token.getId(),
        token.getName(),
        role(token.getRole()),
        instant(token.getCreateTime()),
        token.hasRevokeTime() ? Optional.of(instant(token.getRevokeTime())) : Optional.empty());
  }

  private static Instant instant(Timestamp t) {
    return Instant.ofEpochSecond(t.getSeconds(), t.getNanos());
  }
}
