package dev.pipewright.auth;

import java.util.Objects;

/** A token just created: its listing and the whole token, which is shown this once. */
public record IssuedToken(TokenInfo info, ApiToken token) {
  public IssuedToken {
    Objects.requireNonNull(info, "info");
    Objects.requireNonNull(token, "token");
  }
}
