package dev.pipewright.entryapi.artifacts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pipewright.auth.RuntimeScope;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** "Restrictions for accessing a cache" in GitHub's docs: own ref, then the default branch. */
class CacheScopesTest {
  static RuntimeScope token(String repo, String ref) {
    return new RuntimeScope(UUID.randomUUID(), "build", repo, ref, Instant.MAX);
  }

  @Test
  void aBranchWritesItsOwnScopeAndReadsItThenTheDefaultBranch() {
    CacheScopes s = CacheScopes.of(token("acme/app", "refs/heads/dev"), "refs/heads/main");
    assertThat(s.repository()).isEqualTo("acme/app");
    assertThat(s.write()).isEqualTo("refs/heads/dev");
    assertThat(s.read()).containsExactly("refs/heads/dev", "refs/heads/main");
  }

  @Test
  void theDefaultBranchAndABuildWithoutARefUseOneScope() {
    assertThat(CacheScopes.of(token("acme/app", "refs/heads/main"), "refs/heads/main").read())
        .isEqualTo(List.of("refs/heads/main"));
    CacheScopes noRef = CacheScopes.of(token("acme/app", ""), "refs/heads/main");
    assertThat(noRef.write()).isEqualTo("refs/heads/main");
    assertThat(noRef.read()).containsExactly("refs/heads/main");
  }

  @Test
  void aBuildWithoutARepositoryHasNoCaches() {
    assertThatThrownBy(() -> CacheScopes.of(token("", "refs/heads/main"), "refs/heads/main"))
        .hasMessageContaining("has none");
  }
}
