package dev.pipewright.executor.host.container;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pipewright.executor.JobRef;
import dev.pipewright.executor.JobRun;
import dev.pipewright.executor.host.HostCommand;
import dev.pipewright.executor.host.HostProcess;
import dev.pipewright.executor.host.JobFiles;
import dev.pipewright.executor.host.JobHost;
import dev.pipewright.executor.host.JobPaths;
import dev.pipewright.executor.host.OutputReceiver;
import dev.pipewright.executor.host.Signal;
import dev.pipewright.executor.host.process.ProcessHostFactory;
import dev.pipewright.executor.local.LocalRunnerConfig;
import dev.pipewright.models.CiException;
import dev.pipewright.models.ErrorCode;
import dev.pipewright.parser.WorkflowParser;
import dev.pipewright.parser.spec.ContainerSpec;
import dev.pipewright.parser.spec.WorkflowSpec;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The container host against the real podman, in the tests' busybox image (no bash, no libc). */
class ContainerHostIT {
  private static final AtomicInteger JOBS = new AtomicInteger();
  private static final Duration WAIT = Duration.ofSeconds(60);

  @TempDir Path root;
  private Podman podman;
  private String build;
  private ContainerHost host;
  private JobPaths worker;

  @BeforeEach
  void setUp() {
    podman = PodmanFixture.podman();
    build = "it" + ProcessHandle.current().pid() + "-" + JOBS.incrementAndGet();
  }

  @AfterEach
  void tearDown() throws IOException {
    if (host != null) {
      host.release();
    }
    JobContainer.removeBuild(podman, build, WAIT);
  }

  private ContainerHost host(ContainerSpec spec) {
    WorkflowSpec wf =
        new WorkflowParser()
            .parse(
                "on: push\njobs:\n  test:\n    runs-on: x\n    steps:\n      - run: 'true'\n",
                "ci.yml");
    JobHost directories =
        new ProcessHostFactory(root, LocalRunnerConfig.DEFAULT_INHERITED_ENV)
            .open(JobRun.builder(new JobRef(build, "test"), wf, wf.job("test")).build());
    worker = directories.paths();
    JobContainer container =
        new JobContainer(
            podman,
            "pipewright-" + build,
            Map.of(JobContainer.BUILD_LABEL, build, JobContainer.JOB_LABEL, "test"),
            WAIT);
    host =
        new ContainerHost(
            "job 'test'",
            directories,
            podman,
            container,
            ContainerConfig.of("test", spec),
            new JobServices(
                podman, "pipewright-" + build, Map.of(), Map.of(), ResourceLimits.ofWorker(), WAIT),
            ResourceLimits.ofWorker(),
            WAIT,
            new StepContainers(
                podman,
                "pipewright-" + build,
                Map.of(JobContainer.BUILD_LABEL, build, JobContainer.JOB_LABEL, "test"),
                ResourceLimits.ofWorker(),
                p -> ContainerHost.mountsOf(worker).resolve(p, true),
                "container:pipewright-" + build,
                () -> {}));
    return host;
  }

  /** A path of the job's directories on the worker. */
  private Path onWorker(String containerPath) throws IOException {
    return ContainerHost.mountsOf(worker).resolve(containerPath, false);
  }

  private static ContainerSpec image() {
    return new ContainerSpec(
        PodmanFixture.IMAGE, null, Map.of("FROM_CONTAINER", "c"), null, null, null);
  }

  @Test
  void runsCommandsWithTheirEnvironmentDirectoryAndExitCode() throws Exception {
    ContainerHost h = host(image());
    h.prepare();
    assertThat(h.paths().workspace()).isEqualTo("/github/workspace");
    assertThat(h.paths().temp()).isEqualTo("/github/runner/temp");
    assertThat(h.baseEnvironment()).containsEntry("FROM_CONTAINER", "c").containsKey("PATH");
    assertThat(h.containerContext()).containsKeys("id", "network");
    h.files().createDirectories("/github/workspace/sub");

    Map<String, String> env = new LinkedHashMap<>(h.baseEnvironment());
    env.put("SECRET", "two\nlines 'quoted' $x");
    Output out = new Output();
    HostProcess p =
        h.start(
            new HostCommand(
                "step-1.a1",
                List.of("/bin/sh", "-c", "pwd; printf '%s\\n' \"$SECRET\"; echo err >&2; exit 3"),
                env,
                "/github/workspace/sub"),
            out);
    assertThat(p.waitFor(WAIT)).hasValue(3);
    p.drain(Duration.ofSeconds(1));
    assertThat(out.text()).isEqualTo("/github/workspace/sub\ntwo\nlines 'quoted' $x\nerr\n");
    // The environment file went once the shell had read it.
    assertThat(Files.list(onWorker("/github/runner")).map(f -> f.getFileName().toString()))
        .noneMatch(n -> n.endsWith(".env"));
    // A name is looked up on the command's PATH, inside the container.
    HostProcess byName =
        h.start(new HostCommand("step-2.a1", List.of("true"), env, "/github/workspace"), out);
    assertThat(byName.waitFor(WAIT)).hasValue(0);
  }

  @Test
  void readsAndWritesTheJobsFilesThroughTheMounts() throws Exception {
    ContainerHost h = host(image());
    h.prepare();
    JobFiles files = h.files();
    files.write("/github/runner/in.txt", "from the worker".getBytes(StandardCharsets.UTF_8));
    Output out = new Output();
    HostProcess p =
        h.start(
            new HostCommand(
                "s",
                List.of(
                    "/bin/sh",
                    "-c",
                    "cat /github/runner/in.txt; mkdir -p a/b; echo x > a/b/f; ln -s /github/workspace/a/b blink; ln -s /github/workspace a/loop;"
                        + " ln -s /etc/passwd leak"),
                h.baseEnvironment(),
                "/github/workspace"),
            out);
    assertThat(p.waitFor(WAIT)).hasValue(0);
    p.drain(Duration.ofSeconds(1));
    assertThat(out.text()).isEqualTo("from the worker");
    assertThat(files.read("/github/workspace/a/b/f")).map(String::new).hasValue("x\n");
    assertThat(files.read("/github/workspace/missing")).isEmpty();
    assertThat(files.isDirectory("/github/workspace/a")).isTrue();
    assertThat(files.isDirectory("/etc")).isTrue();
    assertThat(files.isDirectory("/nonexistent")).isFalse();
    // Links are followed as in the container (a loop once); the one to the image's /etc/passwd
    // is not the worker's file: left out, and refused.
    assertThat(files.listFiles("/github/workspace")).containsExactly("a/b/f", "blink/f");
    assertThatThrownBy(() -> files.read("/github/workspace/leak")).isInstanceOf(IOException.class);
    files.delete("/github/workspace/leak");
    assertThat(
            Files.exists(
                onWorker("/github/workspace/leak"), java.nio.file.LinkOption.NOFOLLOW_LINKS))
        .isFalse();
  }

  @Test
  void findsExecutablesInTheContainerNotOnTheWorker() throws Exception {
    ContainerHost h = host(image());
    h.prepare();
    h.files().createDirectories("/github/workspace/tools");
    h.files().write("/github/workspace/tools/mine", "#!/bin/sh\n".getBytes(StandardCharsets.UTF_8));
    Files.setPosixFilePermissions(
        onWorker("/github/workspace/tools/mine"),
        java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
    String path = h.baseEnvironment().get("PATH");
    String ws = "/github/workspace";
    // Through the worker's view of the container's files, and by the container's own shell: the
    // same answers (the worker has bash; the image has not).
    for (Lookup find : List.<Lookup>of(h::findExecutable, h::findByShell)) {
      assertThat(find.find("sh", path, ws)).hasValue("/bin/sh");
      assertThat(find.find("bash", path, ws)).isEmpty();
      assertThat(find.find("/bin/sh", path, "/")).hasValue("/bin/sh");
      assertThat(find.find("nope", "/bin", "/")).isEmpty();
      assertThat(find.find("mine", "/bin:tools", ws)).hasValue("/github/workspace/tools/mine");
      assertThat(find.find("tools/mine", "", ws)).hasValue("/github/workspace/tools/mine");
    }
  }

  private interface Lookup {
    Optional<String> find(String name, String path, String dir) throws IOException;
  }

  @Test
  void signalsReachTheWholeProcessGroupAndReleaseRemovesTheContainer() throws Exception {
    ContainerHost h = host(image());
    h.prepare();
    Output out = new Output();
    HostProcess p =
        h.start(
            new HostCommand(
                "s",
                List.of("/bin/sh", "-c", "sleep 1000 & echo started; wait"),
                h.baseEnvironment(),
                "/github/workspace"),
            out);
    org.awaitility.Awaitility.await().atMost(WAIT).until(() -> out.text().contains("started"));
    p.signal(Signal.TERM);
    assertThat(p.waitFor(WAIT)).hasValue(143);
    Podman.Result ps = podman.run(WAIT, List.of("exec", h.containerName(), "ps", "-o", "args"));
    assertThat(ps.stdout()).doesNotContain("sleep 1000");

    h.release();
    host = null;
    assertThat(podman.run(WAIT, List.of("container", "exists", h.containerName())).exitCode())
        .isEqualTo(1);
  }

  @Test
  void aContainerThatDisappearsIsAnInfrastructureFailure() throws Exception {
    ContainerHost h = host(image());
    h.prepare();
    HostProcess p =
        h.start(
            new HostCommand(
                "s", List.of("/bin/sh", "-c", "echo up; sleep 1000"), h.baseEnvironment(), "/"),
            new Output());
    podman.check(WAIT, List.of("rm", "--force", "--time", "0", h.containerName()));
    assertThatThrownBy(() -> p.waitFor(WAIT))
        .isInstanceOf(CiException.class)
        .satisfies(e -> assertThat(((CiException) e).code()).isEqualTo(ErrorCode.TRANSIENT))
        .hasMessageContaining("job 'test'");
  }

  @Test
  void anImageThatIsNotThereFailsThePrepareAndLeaksNothing() throws Exception {
    ContainerHost h =
        host(
            new ContainerSpec(
                "localhost/pipewright-no-such-image:0", null, null, null, null, null));
    assertThatThrownBy(h::prepare)
        .isInstanceOf(CiException.class)
        .hasMessageContaining("job 'test'")
        .hasMessageContaining("localhost/pipewright-no-such-image:0");
    h.release();
    host = null;
    assertThat(JobContainer.ofBuild(podman, build, WAIT)).isEmpty();
  }

  /** Collects a command's output. */
  private static final class Output implements OutputReceiver {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private long next;

    @Override
    public synchronized void output(long offset, byte[] b, int from, int length) {
      assertThat(offset).isEqualTo(next);
      bytes.write(b, from, length);
      next += length;
    }

    synchronized String text() {
      return bytes.toString(StandardCharsets.UTF_8);
    }
  }
}
