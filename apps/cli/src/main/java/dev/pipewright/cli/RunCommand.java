package dev.pipewright.cli;

import dev.pipewright.actions.ActionResolver;
import dev.pipewright.capabilities.Capabilities;
import dev.pipewright.capabilities.Target;
import dev.pipewright.cli.view.BuildState;
import dev.pipewright.cli.view.LogText;
import dev.pipewright.dag.LoadedWorkflow;
import dev.pipewright.dag.Workflows;
import dev.pipewright.executor.LogSink;
import dev.pipewright.executor.RepositoryRef;
import dev.pipewright.executor.host.container.ContainerHostFactory;
import dev.pipewright.executor.local.LocalJobRunner;
import dev.pipewright.executor.local.LocalRunnerConfig;
import dev.pipewright.models.BuildStatus;
import dev.pipewright.models.CiException;
import dev.pipewright.ops.config.ConfigException;
import dev.pipewright.ops.config.ConfigLoader;
import dev.pipewright.ops.config.PipewrightConfig;
import dev.pipewright.parser.WorkflowException;
import dev.pipewright.pipeline.orchestrator.InMemoryRunStore;
import dev.pipewright.pipeline.orchestrator.LocalRun;
import dev.pipewright.pipeline.orchestrator.WorkflowSources;
import dev.pipewright.pipeline.worker.WorkerConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code pipewright run FILE}: the whole build in this process, with no server: the services'
 * orchestrator and local runner over an in-memory store.
 */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = {
      "Run a workflow here and now, with no servers: jobs are local processes in a workspace"
          + " directory, progress and logs are shown live.",
      "Exit codes: 0 succeeded, 1 invalid workflow or the build did not succeed, 2 usage error,"
          + " 130 interrupted (running jobs are stopped)."
    })
final class RunCommand implements Callable<Integer> {
  private static final Duration STOP_GRACE = Duration.ofSeconds(10);

  @Spec CommandSpec spec;

  @Parameters(paramLabel = "FILE", description = "The workflow YAML file.")
  Path file;

  @Option(
      names = "--repo",
      paramLabel = "DIR",
      description =
          "The repository actions/checkout fetches (default: the git checkout around the current"
              + " directory, if any).")
  String repo;

  @Option(
      names = "--workspace",
      paramLabel = "DIR",
      description =
          "Where jobs run (default: $PIPEWRIGHT_WORKSPACE_ROOT, else a temporary directory).")
  Path workspace;

  @Option(
      names = {"-j", "--parallelism"},
      paramLabel = "N",
      description = "Jobs running at once (default: $PIPEWRIGHT_PARALLELISM, else 4).")
  Integer parallelism;

  @Mixin VariableOptions variables;

  @Mixin OutputOptions output;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try {
      return run(out, err);
    } finally {
      out.flush();
      err.flush();
    }
  }

  private int run(PrintWriter out, PrintWriter err) throws Exception {
    String yaml;
    Map<String, String> vars;
    Map<String, String> secrets;
    try {
      yaml = WorkflowFile.read(file);
      vars = variables.vars();
      secrets = variables.secrets(System.getenv());
    } catch (WorkflowFile.UnreadableException e) {
      err.println(e.getMessage());
      return ExitCodes.USAGE;
    } catch (IllegalArgumentException e) {
      err.println("pipewright: " + e.getMessage());
      return ExitCodes.USAGE;
    }
    RepositoryRef repository = repository();
    PipewrightConfig.Actions actions;
    try {
      actions = ConfigLoader.fromEnvironment(Main.environment(spec)).actions();
    } catch (ConfigException e) {
      err.println("pipewright: " + e.getMessage());
      return ExitCodes.USAGE;
    }
    WorkflowSources sources = calledWorkflows(repository, actions.url());
    LoadedWorkflow workflow;
    try {
      workflow = Workflows.load(yaml, file.toString(), sources.of(repository));
      // Refused before anything runs, as the entry API refuses it; its warnings also go to the
      // jobs' logs.
      Capabilities.require(
          workflow.spec(), Target.local(ContainerHostFactory.containerEngineOnPath()));
    } catch (WorkflowException e) {
      Diagnostics.print(e, err);
      return ExitCodes.FAILED;
    } catch (CiException e) {
      err.println("pipewright: " + e.getMessage());
      return ExitCodes.FAILED;
    }
    Path root = workspaceRoot();
    try {
      return run(yaml, workflow, repository, sources, actions, vars, secrets, root, out, err);
    } finally {
      if (workspace == null && System.getenv("PIPEWRIGHT_WORKSPACE_ROOT") == null) {
        deleteTree(root);
      }
    }
  }

  private int run(
      String yaml,
      LoadedWorkflow workflow,
      RepositoryRef repository,
      WorkflowSources sources,
      PipewrightConfig.Actions actions,
      Map<String, String> vars,
      Map<String, String> secrets,
      Path root,
      PrintWriter out,
      PrintWriter err)
      throws InterruptedException {
    int jobs = parallelism != null ? parallelism : envInt("PIPEWRIGHT_PARALLELISM", 4);
    if (jobs < 1) {
      err.println("pipewright: --parallelism must be at least 1");
      return ExitCodes.USAGE;
    }
    boolean live = output.live();
    LiveProgress progress = new LiveProgress(out, live, Duration.ofMillis(100), Clock.systemUTC());
    InMemoryRunStore store = new InMemoryRunStore();
    LogSink sink =
        chunk -> {
          store.append(chunk);
          progress.log(new LogText(chunk.jobKey(), chunk.stepNumber(), chunk.content()));
        };
    try (LocalJobRunner runner =
        new LocalJobRunner(
            LocalRunnerConfig.defaults(root)
                .withMaxParallelJobs(jobs)
                .withActions(actions(actions, root)),
            sink)) {
      LocalRun run = new LocalRun(store, runner, jobs, sources);
      String id = run.start(new LocalRun.Request(yaml, file.toString(), repository, vars, secrets));
      Thread.ofVirtual()
          .name("pipewright-run-" + id)
          .start(
              () -> {
                String warning = null;
                try {
                  run.await(id, Duration.ofDays(365));
                } catch (CiException e) {
                  warning = e.getMessage();
                }
                progress.logsEnded(warning);
              });
      BuildState last;
      CancelOnInterrupt onInterrupt = new CancelOnInterrupt(() -> stop(run, id, err));
      try {
        last =
            progress.follow(new LocalSnapshots(store, workflow, id, Clock.systemUTC())::snapshot);
      } finally {
        onInterrupt.close();
      }
      return last.status() == BuildStatus.SUCCEEDED ? ExitCodes.OK : ExitCodes.FAILED;
    }
  }

  /** Ctrl-C: cancel, and give the jobs' processes time to be killed before the JVM exits. */
  private static void stop(LocalRun run, String id, PrintWriter err) {
    err.println();
    err.println("pipewright: interrupted, stopping the run");
    err.flush();
    run.cancel(id);
    try {
      run.await(id, STOP_GRACE);
    } catch (CiException e) {
      err.println("pipewright: " + e.getMessage());
      err.flush();
    }
  }

  /** {@code ./…} from the repository's checkout, others from {@code actionsUrl}. */
  private static WorkflowSources calledWorkflows(RepositoryRef repository, String actionsUrl) {
    return CalledWorkflows.fromCheckout(
        repository.url() != null && Files.isDirectory(Path.of(repository.url()))
            ? Path.of(repository.url())
            : Path.of("."),
        actionsUrl);
  }

  private RepositoryRef repository() {
    LocalRepository local = LocalRepository.choose(repo, Path.of(""));
    return new RepositoryRef(local.url(), null, local.ref(), local.sha());
  }

  /** The temporary workspace of a run is gone with it; a chosen one is left for inspection. */
  private static void deleteTree(Path root) {
    try (Stream<Path> files = Files.walk(root)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException | UncheckedIOException e) {
      // Best effort: it is under the temporary directory.
    }
  }

  private Path workspaceRoot() throws IOException {
    if (workspace != null) {
      return workspace;
    }
    String env = System.getenv("PIPEWRIGHT_WORKSPACE_ROOT");
    if (env != null && !env.isBlank()) {
      return Path.of(env);
    }
    return Files.createTempDirectory("pipewright-run-");
  }

  /**
   * Remote actions from the configured sources ({@code PIPEWRIGHT_ACTIONS_*}), kept under the
   * workspace root as a worker keeps them.
   */
  private static ActionResolver actions(PipewrightConfig.Actions actions, Path root) {
    return ActionResolver.onDisk(
        WorkerConfig.actionSources(actions),
        root.resolve(".pipewright").resolve("actions"),
        Duration.ofMinutes(2));
  }

  private static int envInt(String name, int fallback) {
    String value = System.getenv(name);
    if (value == null || value.isBlank()) {
      return fallback;
    }
    try {
      return Integer.parseInt(value.strip());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be a number, got " + value, e);
    }
  }
}
