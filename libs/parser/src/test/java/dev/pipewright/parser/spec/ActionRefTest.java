package dev.pipewright.parser.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The forms of {@code uses:} in GitHub's workflow syntax ({@code jobs.<job_id>.steps[*].uses}):
 * {@code {owner}/{repo}@{ref}}, {@code {owner}/{repo}/{path}@{ref}}, {@code ./path/to/dir} and
 * {@code docker://{image}:{tag}} or {@code docker://{host}/{image}:{tag}}.
 */
class ActionRefTest {

  @Test
  void aRemoteActionHasItsOwnerRepositoryPathAndRef() {
    assertThat(ActionRef.parse("actions/setup-node@v4"))
        .isEqualTo(new ActionRef.Remote("actions", "setup-node", "", "v4"));
    ActionRef.Remote sub = (ActionRef.Remote) ActionRef.parse("github/codeql-action/init@v3");
    assertThat(sub).isEqualTo(new ActionRef.Remote("github", "codeql-action", "init", "v3"));
    assertThat(sub.repository()).isEqualTo("github/codeql-action");
    assertThat(sub.text()).isEqualTo("github/codeql-action/init@v3");
    assertThat(ActionRef.parse("octo/tool/a/b/@0123456789abcdef0123456789abcdef01234567"))
        .isEqualTo(
            new ActionRef.Remote(
                "octo", "tool", "a/b", "0123456789abcdef0123456789abcdef01234567"));
  }

  @Test
  void aLocalActionIsAPathInTheWorkspaceThatNeverLeavesIt() {
    assertThat(ActionRef.parse("./.github/actions/setup"))
        .isEqualTo(new ActionRef.Local(".github/actions/setup"));
    assertThat(ActionRef.parse("./a/../b/")).isEqualTo(new ActionRef.Local("b"));
    assertThat(ActionRef.parse("./")).isEqualTo(new ActionRef.Local(""));
    assertThat(ActionRef.tryParse("./../outside")).isEmpty();
  }

  @Test
  void aDockerImageTakesATagOrADigest() {
    assertThat(ActionRef.parse("docker://alpine:3.20"))
        .isEqualTo(new ActionRef.Docker("alpine:3.20"));
    assertThat(ActionRef.parse("docker://ghcr.io/acme/tool"))
        .isEqualTo(new ActionRef.Docker("ghcr.io/acme/tool"));
    String digest = "docker://alpine@sha256:" + "a".repeat(64);
    assertThat(ActionRef.parse(digest).text()).isEqualTo(digest);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "actions/checkout",
        "checkout@v4",
        "a/b@v1@v2",
        "a/b/../../c@v1",
        "docker://",
        "docker://Alpine",
        "docker://alpine@sha256:short",
        "a b/c@v1"
      })
  void malformedReferencesAreRefusedSayingWhatIsExpected(String uses) {
    assertThat(ActionRef.tryParse(uses)).isEmpty();
    assertThatThrownBy(() -> ActionRef.parse(uses))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("expected '{owner}/{repo}[/path]@{ref}'");
  }
}
