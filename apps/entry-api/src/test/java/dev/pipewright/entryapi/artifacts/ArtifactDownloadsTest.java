package dev.pipewright.entryapi.artifacts;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ArtifactDownloadsTest {
  @Test
  void theRouteIsABuildsArtifactByNameAndNothingElse() {
    assertThat(ArtifactDownloads.matches("/builds/b1/artifacts/bundle")).isTrue();
    assertThat(ArtifactDownloads.matches("/builds/b1/artifacts/my bundle.zip")).isTrue();
    // The logs, and what is neither.
    assertThat(ArtifactDownloads.matches("/builds/b1/logs")).isFalse();
    assertThat(ArtifactDownloads.matches("/builds/b1/artifacts/")).isFalse();
    assertThat(ArtifactDownloads.matches("/builds/b1/artifacts")).isFalse();
    assertThat(ArtifactDownloads.matches("/builds//artifacts/x")).isFalse();
    assertThat(ArtifactDownloads.matches("/builds/b1/artifacts/a/b")).isFalse();
    assertThat(ArtifactDownloads.matches("/builds/b1/x/artifacts/a")).isFalse();
    assertThat(ArtifactDownloads.matches("/other/b1/artifacts/a")).isFalse();
  }
}
