package dev.pipewright.executor.parity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pipewright.executor.InMemoryLogSink;
import dev.pipewright.executor.JobRef;
import dev.pipewright.executor.JobResult;
import dev.pipewright.executor.JobRun;
import dev.pipewright.executor.RepositoryRef;
import dev.pipewright.executor.RunObserver;
import dev.pipewright.executor.StepResult;
import dev.pipewright.executor.engine.EngineJobRunner;
import dev.pipewright.executor.engine.EngineSettings;
import dev.pipewright.executor.host.JobHost;
import dev.pipewright.executor.host.JobHostFactory;
import dev.pipewright.executor.host.container.PodmanFixture;
import dev.pipewright.models.SubStep;
import dev.pipewright.parser.WorkflowParser;
import dev.pipewright.parser.spec.WorkflowSpec;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * The parity suite: every case in {@code src/test/resources/parity/} run by the job engine on the
 * host a subclass provides, and held to what GitHub gives for it. The same cases run on every host,
 * so a host that differs from another in any GitHub behaviour fails here.
 */
public abstract class ParitySuite {
  private static final AtomicInteger BUILDS = new AtomicInteger();

  /** This run's own: a real cluster keeps the Jobs of earlier runs for a while. */
  private static final String RUN =
      Long.toString(
          java.util.concurrent.ThreadLocalRandom.current().nextLong(36L * 36 * 36 * 36), 36);

  private static final AtomicInteger PROBES = new AtomicInteger();

  @TempDir Path root;
  private final InMemoryLogSink sink = new InMemoryLogSink();
  private JobHostFactory hosts;
  private EngineJobRunner runner;

  /** The hosts under test, keeping whatever they keep on the worker under {@code root}. */
  protected abstract JobHostFactory hosts(Path root);

  /**
   * Why these hosts cannot run the containers of a case that sets {@code containers: true}
   * (services), or null when they can. The process and container hosts run them with podman and the
   * tests' images; a host that runs them otherwise overrides this.
   */
  protected String containersUnavailable() {
    return PodmanFixture.unavailable();
  }

  @BeforeEach
  void startRunner() throws Exception {
    hosts = hosts(root);
    EngineSettings defaults = EngineSettings.defaults("parity");
    EngineSettings settings =
        new EngineSettings(
            Duration.ofMillis(500),
            Duration.ofMillis(200),
            Duration.ofSeconds(30),
            defaults.logMaxChars(),
            defaults.logMaxDelay(),
            defaults.runnerName());
    runner =
        new EngineJobRunner(
            "parity", settings.withActions(FixtureActions.resolver(root)), 4, hosts, sink);
  }

  @AfterEach
  void stopRunner() {
    runner.close();
  }

  @TestFactory
  Stream<DynamicTest> cases() throws IOException, URISyntaxException {
    URI uri = ParitySuite.class.getResource("/parity").toURI();
    // Other modules run the suite from this module's test-jar.
    Path dir =
        "jar".equals(uri.getScheme()) ? jarFileSystem(uri).provider().getPath(uri) : Path.of(uri);
    List<Path> files;
    try (Stream<Path> listing = Files.list(dir)) {
      files = listing.filter(p -> p.toString().endsWith(".yml")).sorted().toList();
    }
    assertThat(files).as("parity cases in " + dir).isNotEmpty();
    return files.stream()
        .map(
            file ->
                DynamicTest.dynamicTest(
                    file.getFileName().toString(),
                    file.toUri(),
                    () -> check(ParityCase.load(file))));
  }

  private static FileSystem jarFileSystem(URI uri) throws IOException {
    try {
      return FileSystems.newFileSystem(uri, Map.of());
    } catch (FileSystemAlreadyExistsException e) {
      return FileSystems.getFileSystem(uri);
    }
  }

  /** Records the job's end and its steps' results; other hosts' tests use it too. */
  public static final class Recorder implements RunObserver {
    public final Map<Integer, StepResult> steps = new ConcurrentHashMap<>();

    /** The names of the steps actions added (pre and post steps), by number. */
    public final Map<Integer, String> addedNames = new ConcurrentHashMap<>();

    public volatile JobResult result;

    @Override
    public void addedStepFinished(JobRef job, int stepNumber, String name, StepResult r) {
      addedNames.put(stepNumber, name);
      steps.put(stepNumber, r);
    }

    @Override
    public void stepFinished(JobRef job, int stepNumber, StepResult r) {
      steps.put(stepNumber, r);
    }

    @Override
    public void jobFinished(JobRef job, JobResult r) {
      result = r;
    }
  }

  private void check(ParityCase c) throws IOException {
    WorkflowSpec wf = new WorkflowParser().parse(c.workflow(), c.name() + ".yml");
    Map<String, String> repo = c.repository();
    JobRun run =
        JobRun.builder(
                new JobRef("parity-" + RUN + "-" + BUILDS.incrementAndGet(), c.job()),
                wf,
                wf.job(c.job()))
            .secrets(c.secrets())
            .vars(c.vars())
            .matrix(c.matrix())
            .needs(c.needs())
            .repository(
                new RepositoryRef(
                    repo.get("url"), repo.get("fullName"), repo.get("ref"), repo.get("sha")))
            .build();
    if (c.containers()) {
      String why = containersUnavailable();
      Assumptions.assumeTrue(why == null, () -> c.name() + " runs containers, but " + why);
    }
    for (String program : c.requires()) {
      Assumptions.assumeTrue(has(run, program), c.name() + " needs " + program + " on the host");
    }
    Recorder rec = new Recorder();
    runner.start(run, rec);
    boolean cancelled = c.cancelOn() != null && cancelOnLine(run, rec, c.cancelOn());
    await().atMost(Duration.ofSeconds(60)).until(() -> rec.result != null);
    runner.releaseBuild(run.buildId());

    String jobLog = sink.jobText(run.ref());
    SoftAssertions soft = new SoftAssertions();
    if (c.cancelOn() != null) {
      soft.assertThat(cancelled)
          .as(c.name() + ": the job was cancelled on the line '" + c.cancelOn() + "'")
          .isTrue();
    }
    ParityCase.Expected e = c.expected();
    JobResult r = rec.result;
    String about = c.name() + " (job log:\n" + jobLog + ")";
    check(soft, about + " status", r.status().name(), e.status());
    check(soft, about + " error", r.errorCode() == null ? null : r.errorCode().name(), e.error());
    check(soft, about + " message", r.errorMessage(), e.message());
    if (e.outputs() != null) {
      soft.assertThat(r.outputs()).as(about + " outputs").isEqualTo(e.outputs());
    }
    List<String> ownLines = Arrays.asList(sink.text(run.ref(), 0).split("\n", -1));
    soft.assertThat(ownLines).as(about + " the job's own log lines").containsAll(e.log());
    e.notLog().forEach(t -> soft.assertThat(jobLog).as(about).doesNotContain(t));
    e.steps().forEach((n, s) -> checkStep(soft, about, run, n, rec.steps.get(n), s));
    e.steps()
        .forEach(
            (n, s) -> {
              if (s.name() != null) {
                soft.assertThat(rec.addedNames.get(n))
                    .as(about + " step " + n + " name (a step an action added)")
                    .isEqualTo(s.name());
              }
            });
    soft.assertAll();
  }

  /**
   * Cancels the job, as a user would, once its log holds the line; false when the job ended without
   * printing it.
   */
  private boolean cancelOnLine(JobRun run, Recorder rec, String line) {
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                rec.result != null
                    || Arrays.asList(sink.jobText(run.ref()).split("\n", -1)).contains(line));
    if (rec.result != null) {
      return false;
    }
    runner.cancel(run.ref());
    return true;
  }

  private void checkStep(
      SoftAssertions soft, String about, JobRun run, int number, StepResult r, ParityCase.Step s) {
    String what = about + " step " + number;
    soft.assertThat(r).as(what + " result").isNotNull();
    if (r == null) {
      return;
    }
    check(soft, what + " status", r.status().name(), s.status());
    check(soft, what + " outcome", r.outcome(), s.outcome());
    check(soft, what + " conclusion", r.conclusion(), s.conclusion());
    check(soft, what + " error", r.errorCode() == null ? null : r.errorCode().name(), s.error());
    check(soft, what + " message", r.errorMessage(), s.message());
    if (s.exit() != null) {
      soft.assertThat(r.exitCode()).as(what + " exit code").isEqualTo(s.exit());
    }
    if (s.outputs() != null) {
      soft.assertThat(r.outputs()).as(what + " outputs").isEqualTo(s.outputs());
    }
    if ("".equals(s.summary())) {
      soft.assertThat(r.summary()).as(what + " summary").isNullOrEmpty();
    } else if (s.summary() != null) {
      soft.assertThat(r.summary()).as(what + " summary").isEqualTo(s.summary());
    }
    if (s.annotations() != null) {
      soft.assertThat(r.annotations()).as(what + " annotations").isEqualTo(s.annotations());
    }
    if (s.action() != null) {
      soft.assertThat(r.action()).as(what + " action").isEqualTo(s.action());
      if (s.action().startsWith("./")) {
        soft.assertThat(r.actionSha()).as(what + " action SHA (local)").isNull();
      } else {
        soft.assertThat(r.actionSha()).as(what + " action SHA").matches("[0-9a-f]{40}");
      }
    }
    if (s.subSteps() != null) {
      soft.assertThat(subStepLines(r.subSteps(), ""))
          .as(what + " sub-steps")
          .isEqualTo(s.subSteps());
    }
    String log = sink.text(run.ref(), number);
    List<String> lines = Arrays.asList(log.split("\n", -1));
    soft.assertThat(lines).as(what + " log lines").containsAll(s.log());
    s.logMatches()
        .forEach(
            regex ->
                soft.assertThat(lines)
                    .as(what + " a log line matching " + regex)
                    .anyMatch(l -> l.matches(regex)));
    s.notLog().forEach(t -> soft.assertThat(log).as(what + " log").doesNotContain(t));
  }

  /** {@code <number> <STATUS> <name>}, an action's inner steps indented under its caller. */
  private static List<String> subStepLines(List<SubStep> steps, String indent) {
    List<String> lines = new ArrayList<>();
    for (SubStep s : steps) {
      lines.add(indent + s.number() + " " + s.status() + " " + s.name());
      lines.addAll(subStepLines(s.steps(), indent + "  "));
    }
    return lines;
  }

  private static void check(SoftAssertions soft, String what, String actual, String expected) {
    if (expected != null) {
      soft.assertThat(actual).as(what).isEqualTo(expected);
    }
  }

  /**
   * Whether the host of this run finds a program on its own PATH: asked of a host of its own (a
   * build of its own), released before the run, so the run's host starts as it would without it.
   */
  private boolean has(JobRun run, String program) throws IOException {
    JobRun probe =
        JobRun.builder(
                new JobRef(run.buildId() + "-probe-" + PROBES.incrementAndGet(), run.jobKey()),
                run.workflow(),
                run.job())
            .build();
    JobHost host = hosts.open(probe);
    try {
      host.prepare();
      String path = host.baseEnvironment().getOrDefault("PATH", "");
      return host.findExecutable(program, path, host.paths().workspace()).isPresent();
    } finally {
      host.release();
      hosts.releaseBuild(probe.buildId());
    }
  }
}
