package dev.pipewright.auth;

/** Who made a call: the token's id, name and role. */
public record Principal(String tokenId, String name, Role role) {
  /** Everyone, when authentication is off. */
  public static final Principal ANONYMOUS = new Principal("-", "anonymous", Role.ADMIN);

  @Override
  public String toString() {
    return "token " + name + " (" + tokenId + ", " + role + ")";
  }
}
