package dev.pipewright.executor.host.container;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * podman and the tests' images (images/build-test-image: static busybox, no registry), checked once
 * per test JVM by running a container. Where podman truly cannot run, the tests are skipped with
 * the reason, except under {@code PIPEWRIGHT_REQUIRE_CONTAINER_ENGINE=1} (.ci/run), where that is a
 * failure.
 */
public final class PodmanFixture {
  /** /bin/sh and busybox's applets, nothing else: the least a job's image may have. */
  static final String IMAGE = "localhost/pipewright-test-busybox:1";

  /** The same with bash and the C libraries it loads. */
  static final String BASH_IMAGE = "localhost/pipewright-test-bash:1";

  /** The busybox image with this machine's node and its C libraries: a job image with Node. */
  static final String NODE_IMAGE = "localhost/pipewright-test-node:1";

  /**
   * The node image with this machine's GNU tar too: a job image that actions/cache works in (it
   * runs {@code tar --posix}, which busybox's tar refuses).
   */
  public static final String TOOLKIT_IMAGE = "localhost/pipewright-test-toolkit:1";

  /** The busybox image whose command runs its {@code SERVICE_SCRIPT} variable: for services. */
  static final String SERVICE_IMAGE = "localhost/pipewright-test-service:1";

  private static final Duration TIMEOUT = Duration.ofMinutes(2);

  private static Podman podman;
  private static String problem;

  private PodmanFixture() {}

  /**
   * Null when podman can run the tests' images here, else why not (for a test that says so and
   * skips); under {@code PIPEWRIGHT_REQUIRE_CONTAINER_ENGINE=1} a failure instead.
   */
  public static synchronized String unavailable() {
    if (podman == null && problem == null) {
      problem = check();
    }
    if (problem != null && "1".equals(System.getenv("PIPEWRIGHT_REQUIRE_CONTAINER_ENGINE"))) {
      fail("the container host's tests must run here, but " + problem);
    }
    return problem;
  }

  /** podman, ready to run {@link #IMAGE}; otherwise skips (or fails in CI) the calling test. */
  static synchronized Podman podman() {
    if (podman == null && problem == null) {
      problem = check();
    }
    if (problem != null) {
      if ("1".equals(System.getenv("PIPEWRIGHT_REQUIRE_CONTAINER_ENGINE"))) {
        fail("the container host's tests must run here, but " + problem);
      }
      Assumptions.abort("container host tests skipped: " + problem);
    }
    return podman;
  }

  private static String check() {
    Podman found = Podman.onPath(System.getenv("PATH")).orElse(null);
    if (found == null) {
      return "podman is not on PATH (bin/lib/container-engine.sh installs it)";
    }
    try {
      // The parity suite runs its jobs in the bash one; services run in the service one.
      for (List<String> args :
          List.of(List.<String>of(), List.of("--bash"), List.of("--service"))) {
        String failed = buildImage(args);
        if (failed != null) {
          return failed;
        }
      }
      List<String> run = new ArrayList<>(List.of("run", "--rm"));
      run.addAll(ResourceLimits.ofWorker().podmanArguments());
      run.addAll(List.of(IMAGE, "/bin/sh", "-c", "echo ok"));
      Podman.Result r = found.run(TIMEOUT, run);
      if (r.exitCode() != 0 || !r.stdout().strip().equals("ok")) {
        return "podman cannot run a container here: " + r.reason();
      }
    } catch (IOException e) {
      return "podman cannot run here: " + e.getMessage();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted";
    }
    podman = found;
    return null;
  }

  /**
   * {@link #podman()}, with {@link #NODE_IMAGE} built too (only the tests of JavaScript actions in
   * an image with Node need it).
   */
  static synchronized Podman withNodeImage() {
    Podman p = podman();
    buildOrFail("--node");
    return p;
  }

  /**
   * {@link #unavailable()}; when podman can run, {@link #TOOLKIT_IMAGE} is built as well (a build
   * that fails then fails the caller).
   */
  public static synchronized String unavailableOrToolkitImage() {
    String why = unavailable();
    if (why == null) {
      buildOrFail("--toolkit");
    }
    return why;
  }

  private static void buildOrFail(String kind) {
    try {
      String failed = buildImage(List.of(kind));
      if (failed != null) {
        fail(failed);
      }
    } catch (IOException e) {
      fail("images/build-test-image " + kind + ": " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      fail("interrupted");
    }
  }

  /** images/build-test-image with these arguments; null when it worked, else why not. */
  private static String buildImage(List<String> args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(repositoryRoot().resolve("images/build-test-image").toString());
    command.addAll(args);
    Process build = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(build.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!build.waitFor(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS) || build.exitValue() != 0) {
      return "images/build-test-image " + String.join(" ", args) + " failed: " + out.strip();
    }
    return null;
  }

  private static Path repositoryRoot() throws IOException {
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      if (Files.isRegularFile(p.resolve("images/build-test-image"))) {
        return p;
      }
    }
    throw new IOException("no images/build-test-image above " + Path.of("").toAbsolutePath());
  }
}
