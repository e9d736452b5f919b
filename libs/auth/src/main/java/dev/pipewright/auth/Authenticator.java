package dev.pipewright.auth;

import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * Checks the {@code authorization: Bearer <token>} of a call (gRPC metadata or HTTP header) against
 * the live tokens and the role the call needs. The same rules for every transport; the transports
 * only map the verdict to their statuses.
 */
public final class Authenticator {
  private static final String SCHEME = "bearer ";

  private final TokenLookup tokens;

  private Authenticator(TokenLookup tokens) {
    this.tokens = tokens;
  }

  /** Checks presented tokens against {@code tokens}. */
  public static Authenticator of(TokenLookup tokens) {
    return new Authenticator(Objects.requireNonNull(tokens, "tokens"));
  }

  /** Authentication off: every call is allowed as {@link Principal#ANONYMOUS}. */
  public static Authenticator disabled() {
    return new Authenticator(null);
  }

  public boolean enabled() {
    return tokens != null;
  }

  /**
   * @param authorization the header's value, or null when the call carried none
   * @param needed the least role the call needs
   * @param action what the call does, for the refusal message (e.g. {@code StartPipelineBuild})
   * @throws RuntimeException what the lookup throws (the store being unreachable is no refusal)
   */
  public Verdict check(String authorization, Role needed, String action) {
    if (tokens == null) {
      return new Verdict.Allowed(Principal.ANONYMOUS);
    }
    if (authorization == null || authorization.isBlank()) {
      return unauthenticated("no API token: send 'authorization: Bearer <token>'");
    }
    if (!authorization.toLowerCase(Locale.ROOT).startsWith(SCHEME)) {
      return unauthenticated("the authorization is not a Bearer token");
    }
    Optional<ApiToken> token = ApiToken.parse(authorization.substring(SCHEME.length()).strip());
    if (token.isEmpty()) {
      return unauthenticated("the bearer token is not a Pipewright API token");
    }
    Optional<Credential> stored = tokens.live(token.get().id());
    if (stored.isEmpty() || !token.get().matches(stored.get().hash())) {
      return unauthenticated("unknown or revoked API token " + token.get().id());
    }
    Credential c = stored.get();
    Principal principal = new Principal(c.id(), c.name(), c.role());
    if (!c.role().allows(needed)) {
      return new Verdict.Refused(
          Verdict.Refusal.PERMISSION_DENIED,
          principal + " may not call " + action + ": that needs the " + needed + " role");
    }
    return new Verdict.Allowed(principal);
  }

  private static Verdict unauthenticated(String reason) {
    return new Verdict.Refused(Verdict.Refusal.UNAUTHENTICATED, reason);
  }
}
