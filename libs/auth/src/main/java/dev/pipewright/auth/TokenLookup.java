package dev.pipewright.auth;

import java.util.Optional;

/** Where live (not revoked) tokens are found by id; the store implements it. */
@FunctionalInterface
public interface TokenLookup {
  Optional<Credential> live(String id);
}
