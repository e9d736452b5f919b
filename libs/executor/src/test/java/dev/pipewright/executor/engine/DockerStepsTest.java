package dev.pipewright.executor.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pipewright.executor.host.JobPaths;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Where a step's container sees the job's directories (ContainerActionHandler.cs's MountVolumes)
 * and how values naming them are rewritten (ContainerInfo.TranslateToContainerPath); inputs as
 * Handler.AddInputsToEnvironment names them.
 */
class DockerStepsTest {
  private final DockerMounts mounts =
      DockerMounts.of(new JobPaths("/w/ws", "/w/run/temp", "/w/run/tools", "/w/run"));

  @Test
  void theJobsDirectoriesAreMountedWhereGithubMountsThem() {
    assertThat(mounts.byContainerPath())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "/github/workspace", "/w/ws",
                "/github/home", "/w/run/temp/_github_home",
                "/github/workflow", "/w/run/temp/_github_workflow",
                "/github/file_commands", "/w/run/temp/_runner_file_commands"));
    assertThat(mounts.eventPath()).isEqualTo("/w/run/temp/_github_workflow/event.json");
  }

  @Test
  void valuesNamingAMountedDirectoryBecomeTheContainersPaths() {
    assertThat(
            mounts.translate(
                Map.of(
                    "GITHUB_WORKSPACE", "/w/ws",
                    "GITHUB_OUTPUT", "/w/run/temp/_runner_file_commands/step-2.a1.output",
                    "GITHUB_EVENT_PATH", "/w/run/temp/_github_workflow/event.json",
                    "RUNNER_TEMP", "/w/run/temp",
                    "OTHER", "/w/wsx/not-below")))
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "GITHUB_WORKSPACE", "/github/workspace",
                "GITHUB_OUTPUT", "/github/file_commands/step-2.a1.output",
                "GITHUB_EVENT_PATH", "/github/workflow/event.json",
                "RUNNER_TEMP", "/w/run/temp",
                "OTHER", "/w/wsx/not-below"));
  }

  @Test
  void inputsBecomeInputVariables() {
    assertThat(DockerSteps.inputVariable("who")).isEqualTo("INPUT_WHO");
    assertThat(DockerSteps.inputVariable("my input-x")).isEqualTo("INPUT_MY_INPUT-X");
  }
}
