package dev.pipewright.executor.host.process;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pipewright.executor.JobRef;
import dev.pipewright.executor.JobRun;
import dev.pipewright.executor.host.JobHost;
import dev.pipewright.executor.host.JobPaths;
import dev.pipewright.parser.WorkflowParser;
import dev.pipewright.parser.spec.WorkflowSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13: on the process host every build runs as the worker's user, so a build's directories are
 * that user's alone (0700) and no other user of the machine can read or write them.
 */
class ProcessHostFactoryTest {
  private static final String OWNER_ONLY = "rwx------";
  private final WorkflowSpec wf =
      new WorkflowParser()
          .parse("on: push\njobs:\n  build:\n    runs-on: x\n    steps: [{run: echo}]\n", "ci.yml");

  @TempDir Path root;

  private JobRun run(String buildId, String jobKey) {
    return JobRun.builder(new JobRef(buildId, jobKey), wf, wf.job("build")).build();
  }

  private static String permissions(Path dir) throws Exception {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(dir));
  }

  @Test
  void aBuildsDirectoriesAndEachJobsAreOwnerOnly() throws Exception {
    ProcessHostFactory factory = new ProcessHostFactory(root.resolve("work"), List.of());
    JobHost host = factory.open(run("b-1", "build.2"));
    host.prepare();
    JobPaths p = host.paths();
    Path workspace = Path.of(p.workspace());
    Path runnerFiles = Path.of(p.runnerFiles());
    List<Path> dirs =
        List.of(
            workspace.getParent(),
            workspace,
            runnerFiles.getParent(),
            runnerFiles,
            Path.of(p.temp()),
            Path.of(p.toolCache()));
    assertThat(workspace.getParent()).isEqualTo(root.resolve("work/b-1"));
    for (Path dir : dirs) {
      assertThat(permissions(dir)).as(dir.toString()).isEqualTo(OWNER_ONLY);
    }
    host.release();
    factory.releaseBuild("b-1");
    assertThat(root.resolve("work/b-1")).doesNotExist();
  }

  @Test
  void aBuildDirectoryMadeOpenBeforeIsClosed() throws Exception {
    Path build = Files.createDirectories(root.resolve("b-2"));
    Files.setPosixFilePermissions(build, PosixFilePermissions.fromString("rwxr-xr-x"));
    JobHost host = new ProcessHostFactory(root, List.of()).open(run("b-2", "build"));
    host.prepare();
    assertThat(permissions(build)).isEqualTo(OWNER_ONLY);
    assertThat(permissions(Path.of(host.paths().workspace()))).isEqualTo(OWNER_ONLY);
  }
}
