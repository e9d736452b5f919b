package dev.pipewright.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pipewright.api.ci.v1.Artifact;
import dev.pipewright.api.ci.v1.Build;
import dev.pipewright.api.ci.v1.BuildStatus;
import dev.pipewright.api.ci.v1.ListArtifactsRequest;
import dev.pipewright.api.ci.v1.Repository;
import dev.pipewright.api.ci.v1.StartPipelineBuildRequest;
import java.time.Duration;
import java.util.List;

/**
 * The {@link ToolkitWorkflows} run on one host and checked: each workflow with the host's {@code
 * container:} line ({@link ToolkitWorkflows#inContainer}), the same expectations on every host.
 *
 * @param container the image every job runs in, null where jobs run on the host itself
 * @param atMost how long one build may take there
 */
record ToolkitRuns(Installation pw, String container, Duration atMost) {
  /**
   * Runs {@link ToolkitWorkflows#UPLOAD_THEN_DOWNLOAD} and checks the files and the stored
   * artifacts.
   *
   * @return the build's id
   */
  String uploadThenDownload() {
    String id = pw.start(host(ToolkitWorkflows.UPLOAD_THEN_DOWNLOAD));
    Build built = pw.awaitEnd(id, atMost);
    String up = pw.logText(id, "up");
    String down = pw.logText(id, "down");
    assertThat(built.getStatus())
        .as("up:\n%s\ndown:\n%s", up, down)
        .isEqualTo(BuildStatus.BUILD_STATUS_SUCCEEDED);
    assertThat(up).containsPattern("greeting id [0-9]+\n");
    assertThat(down)
        .contains("by name: made by up / nested\n")
        .containsPattern("one went to /\\S+/by-name\n")
        .contains("all: greeting other \n")
        .contains("all: made by up / other file\n");

    Build after = pw.get(id);
    assertThat(after.getArtifactsList())
        .extracting(a -> a.getName() + " by " + a.getJobKey())
        .containsExactlyInAnyOrder("greeting by up", "other by up");
    List<Artifact> listed =
        pw.stub
            .listArtifacts(ListArtifactsRequest.newBuilder().setBuildId(id).build())
            .getArtifactsList();
    assertThat(listed).extracting(Artifact::getName).containsExactlyInAnyOrder("greeting", "other");
    assertThat(listed).allSatisfy(a -> assertThat(a.getSize()).isPositive());
    assertThat(listed).allSatisfy(a -> assertThat(a.getSha256()).hasSize(64));
    return id;
  }

  /**
   * {@link ToolkitWorkflows#SNOOP} after {@code uploaded}: its token reaches none of that build's
   * artifacts.
   */
  void otherBuildRefused(String uploaded) {
    String id = pw.start(host(ToolkitWorkflows.SNOOP.formatted(uploaded)));
    Build built = pw.awaitEnd(id, atMost);
    String log = pw.logText(id, "snoop");
    assertThat(built.getStatus()).as(log).isEqualTo(BuildStatus.BUILD_STATUS_SUCCEEDED);
    assertThat(log)
        .contains("Artifact not found for name: greeting")
        .contains("own build: failure\n")
        .contains("other build: 403\n");
    assertThat(pw.get(id).getArtifactsList()).isEmpty();
  }

  /** The two cache builds, for one repository on its default branch. */
  void cacheAcrossBuilds(String repository) {
    String saveLog = succeeded(startFor(ToolkitWorkflows.SAVE_CACHE, repository), "save");
    assertThat(saveLog).contains("Cache saved with key: deps-linux-1");

    String log = succeeded(startFor(ToolkitWorkflows.RESTORE_CACHE, repository), "restore");
    assertThat(log)
        .contains("exact: hit=true matched=deps-linux-1 deps of the first build\n")
        .contains("prefix: hit=false matched=deps-linux-1 deps of the first build\n")
        .contains("miss: hit=false\n");
  }

  /**
   * Two builds save a big cache each, which together hold more than {@link
   * ToolkitWorkflows#CACHE_BYTES_PER_REPOSITORY}; the sweep evicts the one used least recently (the
   * first saved), so a third build misses it and still restores the other. GitHub: "Usage limits
   * and eviction policy", least recently used first.
   */
  void leastRecentlyUsedEvictedOverTheCap(String repository) {
    for (int n = 1; n <= 2; n++) {
      String log =
          succeeded(startFor(ToolkitWorkflows.SAVE_BIG_CACHE.formatted(n), repository), "save");
      assertThat(log).contains("Cache saved with key: big-" + n);
    }
    assertThat(pw.sweepArtifacts()).as("caches the sweep deleted").isEqualTo(1);

    String log = succeeded(startFor(ToolkitWorkflows.RESTORE_BIG_CACHES, repository), "restore");
    assertThat(log)
        .contains("Cache not found for input keys: big-1")
        .contains("oldest: hit=false\n")
        .contains("newest: hit=true matched=big-2 5000 bytes\n");
  }

  /**
   * Waits for build {@code id}, asserts it succeeded and returns the log of its job {@code job}.
   */
  private String succeeded(String id, String job) {
    Build built = pw.awaitEnd(id, atMost);
    String log = pw.logText(id, job);
    assertThat(built.getStatus()).as(log).isEqualTo(BuildStatus.BUILD_STATUS_SUCCEEDED);
    return log;
  }

  private String startFor(String yaml, String repository) {
    return pw.stub
        .startPipelineBuild(
            StartPipelineBuildRequest.newBuilder()
                .setPipelineId("toolkit")
                .setWorkflowPath(".github/workflows/ci.yml")
                .setWorkflowYaml(host(yaml))
                .setRepository(
                    Repository.newBuilder()
                        .setUrl("https://git.invalid/" + repository + ".git")
                        .setRef("refs/heads/main"))
                .build())
        .getBuildId();
  }

  private String host(String yaml) {
    return ToolkitWorkflows.inContainer(yaml, container);
  }
}
