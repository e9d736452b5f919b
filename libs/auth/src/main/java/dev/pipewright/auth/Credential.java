package dev.pipewright.auth;

import java.util.Objects;

/**
 * A live token as the store keeps it: enough to check a presented token and say who it is.
 *
 * @param hash {@link ApiToken#hash()} of the token
 */
public record Credential(String id, String name, Role role, byte[] hash) {
  public Credential {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(role, "role");
    hash = hash.clone();
  }

  @Override
  public byte[] hash() {
    return hash.clone();
  }
}
