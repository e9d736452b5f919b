package dev.pipewright.executor.engine;

import dev.pipewright.executor.host.JobFiles;
import dev.pipewright.executor.host.JobPaths;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where GitHub mounts the job's directories in a docker step's container, and the way back
 * (ContainerActionHandler.cs's MountVolumes and ContainerInfo.TranslateToContainerPath).
 */
record DockerMounts(String workspace, String home, String workflow, String fileCommands) {
  static DockerMounts of(JobPaths paths) {
    return new DockerMounts(
        paths.workspace(),
        JobPaths.join(paths.temp(), "_github_home"),
        JobPaths.join(paths.temp(), "_github_workflow"),
        JobPaths.join(paths.temp(), "_runner_file_commands"));
  }

  /** Makes the directories and copies the event file into {@code _github_workflow}. */
  void create(JobFiles files, JobPaths paths) throws IOException {
    for (String dir : List.of(home, workflow, fileCommands)) {
      files.createDirectories(dir);
    }
    byte[] event =
        files
            .read(JobPaths.join(paths.runnerFiles(), "event.json"))
            .orElse("{}".getBytes(StandardCharsets.UTF_8));
    files.write(JobPaths.join(workflow, "event.json"), event);
  }

  String eventPath() {
    return JobPaths.join(workflow, "event.json");
  }

  /** Container directory → the job's directory mounted there. */
  Map<String, String> byContainerPath() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put(DockerSteps.WORKSPACE, workspace);
    m.put("/github/home", home);
    m.put("/github/workflow", workflow);
    m.put("/github/file_commands", fileCommands);
    return m;
  }

  /** Each value that is one of the job's mounted directories, or below one, as the container's. */
  Map<String, String> translate(Map<String, String> env) {
    Map<String, String> out = new LinkedHashMap<>();
    env.forEach((k, v) -> out.put(k, translate(v)));
    return out;
  }

  String translate(String value) {
    for (Map.Entry<String, String> m : byContainerPath().entrySet()) {
      String dir = m.getValue();
      if (value.equals(dir)) {
        return m.getKey();
      }
      if (value.startsWith(dir + "/")) {
        return m.getKey() + value.substring(dir.length());
      }
    }
    return value;
  }
}
