package dev.pipewright.cli;

import dev.pipewright.dag.Workflows;
import dev.pipewright.models.CiException;
import dev.pipewright.parser.Diagnostic;
import dev.pipewright.parser.WorkflowException;
import dev.pipewright.parser.WorkflowLimits;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code pipewright lint FILE...}: parses and plans each file, reporting every error. */
@Command(
    name = "lint",
    mixinStandardHelpOptions = true,
    description = {
      "Check workflow files: YAML, schema, expressions, matrices, job dependencies and the"
          + " reusable workflows they call (./… from the file's checkout, others with git).",
      "Prints 'FILE: ok' or every error of each file, all on stderr.",
      "Exit codes: 0 all valid, 1 some file is invalid, 2 usage error or unreadable file."
    })
final class LintCommand implements Callable<Integer> {
  @Spec private CommandSpec spec;

  @Parameters(arity = "1..*", paramLabel = "FILE", description = "Workflow YAML files.")
  private List<Path> files;

  @Override
  public Integer call() {
    PrintWriter err = spec.commandLine().getErr();
    boolean invalid = false;
    boolean unreadable = false;
    for (Path file : files) {
      try {
        lint(file);
        err.println(file + ": ok");
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

  /**
   * Parses and plans one file.
   *
   * @throws WorkflowException with its problems; a file over the size limit is refused from its
   *     size, without reading it
   */
  private static void lint(Path file) throws WorkflowFile.UnreadableException {
    Optional<Diagnostic> tooLarge = tooLarge(file);
    if (tooLarge.isPresent()) {
      throw new WorkflowException(List.of(tooLarge.get()));
    }
    // Calls are resolved as a run resolves them, so a call that cannot be is an error.
    Workflows.load(
        WorkflowFile.read(file),
        file.toString(),
        CalledWorkflows.fromCheckout(CalledWorkflows.checkoutOf(file)).of(null));
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
