package dev.pipewright.entryapi.artifacts;

import dev.pipewright.auth.RuntimeScope;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * The cache scopes of a runtime token ("Restrictions for accessing a cache" in GitHub's docs): a
 * build saves to its own ref and restores from its ref, then the default branch; never from another
 * branch or another repository.
 *
 * @param repository the token's repository, whose caches these are
 * @param write where a save goes: the build's ref, or the default ref when the build has none
 * @param read where a restore looks, in order
 */
record CacheScopes(String repository, String write, List<String> read) {
  CacheScopes {
    Objects.requireNonNull(repository, "repository");
    Objects.requireNonNull(write, "write");
    read = List.copyOf(read);
  }

  /**
   * @throws IllegalArgumentException for a build with no repository: whose caches would it read?
   */
  static CacheScopes of(RuntimeScope token, String defaultRef) {
    if (token.repository().isEmpty()) {
      throw new IllegalArgumentException(
          "caches belong to a repository, and build " + token.buildId() + " has none");
    }
    String write = token.ref().isEmpty() ? defaultRef : token.ref();
    return new CacheScopes(
        token.repository(), write, Stream.of(write, defaultRef).distinct().toList());
  }
}
