package dev.pipewright.cli;

import dev.pipewright.capabilities.ActionManifests;
import dev.pipewright.capabilities.Capabilities;
import dev.pipewright.capabilities.Finding;
import dev.pipewright.capabilities.Target;
import dev.pipewright.dag.WorkflowSource;
import dev.pipewright.dag.Workflows;
import dev.pipewright.executor.host.container.ContainerHostFactory;
import dev.pipewright.executor.host.container.ContainerSupport;
import dev.pipewright.models.CiException;
import dev.pipewright.ops.config.ConfigException;
import dev.pipewright.parser.Diagnostic;
import dev.pipewright.parser.WorkflowException;
import dev.pipewright.parser.WorkflowLimits;
import dev.pipewright.parser.spec.JobSpec;
import dev.pipewright.parser.spec.SourcePos;
import dev.pipewright.parser.spec.WorkflowSpec;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code pipewright lint [--executor local|kubernetes] FILE...}: parses and plans each file and
 * checks what the executor can run ({@link Capabilities}), reporting every error and warning.
 */
@Command(
    name = "lint",
    mixinStandardHelpOptions = true,
    description = {
      "Check workflow files: YAML, schema, expressions, matrices, job dependencies, the reusable"
          + " workflows they call (./… from the file's checkout, others with git), and what the"
          + " executor can run.",
      "Actions are judged by their action.yml: ./… from the file's checkout, owner/repo@ref from"
          + " the configured sources (PIPEWRIGHT_ACTIONS_URL, _MIRRORS, _OFFLINE_DIR; with none"
          + " set, remote actions are not fetched and each is a warning).",
      "Prints every warning (what the executor runs without honouring it) and 'FILE: ok', or every"
          + " error of each file, all on stderr.",
      "Exit codes: 0 all valid, 1 some file is invalid, 2 usage error or unreadable file."
    })
final class LintCommand implements Callable<Integer> {
  @Spec private CommandSpec spec;

  @Option(
      names = "--executor",
      defaultValue = "local",
      paramLabel = "local|kubernetes",
      description =
          "Where the jobs would run (default: ${DEFAULT-VALUE}). local: jobs with container: need"
              + " podman on this machine's PATH.")
  private String executor;

  @Parameters(arity = "1..*", paramLabel = "FILE", description = "Workflow YAML files.")
  private List<Path> files;

  @Override
  public Integer call() {
    PrintWriter err = spec.commandLine().getErr();
    Target target = target();
    LintActions actions;
    try {
      actions = LintActions.of(Main.environment(spec));
    } catch (ConfigException e) {
      err.println("pipewright: " + e.getMessage());
      err.flush();
      return ExitCodes.USAGE;
    }
    boolean invalid = false;
    boolean unreadable = false;
    for (Path file : files) {
      try {
        Path checkout = CalledWorkflows.checkoutOf(file);
        List<Finding> findings =
            lint(
                file,
                target,
                CalledWorkflows.fromCheckout(checkout, actions.url()).of(null),
                actions.manifests(checkout));
        findings.forEach(f -> err.println(f.format()));
        if (findings.stream().anyMatch(Finding::isError)) {
          invalid = true;
        } else {
          err.println(file + ": ok");
        }
      } catch (WorkflowFile.UnreadableException e) {
        err.println(e.getMessage());
        unreadable = true;
      } catch (WorkflowException e) {
        Diagnostics.print(e, err);
        invalid = true;
      } catch (CiException e) {
        // A called workflow that could not be fetched: not resolved, so not ok.
        err.println(file + ": error: " + e.getMessage());
        invalid = true;
      }
    }
    err.flush();
    if (unreadable) {
      return ExitCodes.USAGE;
    }
    return invalid ? ExitCodes.FAILED : ExitCodes.OK;
  }

  private Target target() {
    return switch (executor.strip().toLowerCase(Locale.ROOT)) {
      case "local" -> Target.local(ContainerHostFactory.containerEngineOnPath());
      case "kubernetes" -> Target.kubernetes();
      default ->
          throw new ParameterException(
              spec.commandLine(), "--executor must be local or kubernetes, not '" + executor + "'");
    };
  }

  /**
   * Parses and plans one file and checks it against {@code target}.
   *
   * @param calls where the workflows it calls are read
   * @param manifests where the manifests of the actions it uses are read
   * @return its errors and warnings on the target, in file order
   * @throws WorkflowException with its problems as YAML, schema or plan; a file over the size limit
   *     is refused from its size, without reading it
   */
  static List<Finding> lint(
      Path file, Target target, WorkflowSource calls, ActionManifests manifests)
      throws WorkflowFile.UnreadableException {
    Optional<Diagnostic> tooLarge = tooLarge(file);
    if (tooLarge.isPresent()) {
      throw new WorkflowException(List.of(tooLarge.get()));
    }
    // Calls are resolved as a run resolves them, so a call that cannot be is an error, and the
    // called jobs are checked like the file's own.
    WorkflowSpec spec = Workflows.load(WorkflowFile.read(file), file.toString(), calls).spec();
    List<Finding> findings = new ArrayList<>(Capabilities.check(spec, target, manifests));
    containerHost(target)
        .ifPresent(
            host -> {
              for (JobSpec job : spec.jobs().values()) {
                SourcePos at = job.at(job.container() != null ? "container" : "services");
                ContainerSupport.problems(job, host)
                    .forEach(p -> findings.add(Finding.error(at, p, null)));
              }
            });
    return Capabilities.inFileOrder(findings);
  }

  /**
   * The host that would run the containers of {@code target}'s jobs, whose own limits ({@link
   * ContainerSupport}: libs/executor, which the entry API does not depend on, so its hosts apply
   * them when a job starts) lint checks too; none when the target has no container engine, which
   * {@link Capabilities} already refuses.
   */
  private static Optional<ContainerSupport.Host> containerHost(Target target) {
    return switch (target.executor()) {
      case KUBERNETES -> Optional.of(ContainerSupport.Host.POD);
      case LOCAL ->
          target.containerEngine()
              ? Optional.of(ContainerSupport.Host.CONTAINER)
              : Optional.empty();
    };
  }

  /** The parser's diagnostic for a file over the size limit, when it is. */
  private static Optional<Diagnostic> tooLarge(Path file) {
    try {
      return Files.isRegularFile(file)
          ? WorkflowLimits.DEFAULT.documentSize(file.toString(), Files.size(file))
          : Optional.empty();
    } catch (IOException e) {
      // Reading the file says why it cannot be read.
      return Optional.empty();
    }
  }
}
