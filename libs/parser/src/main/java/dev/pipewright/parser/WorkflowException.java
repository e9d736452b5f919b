package dev.pipewright.parser;

import dev.pipewright.models.CiException;
import dev.pipewright.models.ErrorCode;
import java.util.List;
import java.util.stream.Collectors;

/** A workflow that cannot be used, with every problem found (not only the first). */
public class WorkflowException extends CiException {
  private static final long serialVersionUID = 1L;

  private final transient List<Diagnostic> diagnostics;

  public WorkflowException(List<Diagnostic> diagnostics) {
    super(ErrorCode.INVALID_SPEC, formatAll(diagnostics));
    this.diagnostics = List.copyOf(diagnostics);
  }

  /** In file order (line, then column). */
  public List<Diagnostic> diagnostics() {
    return diagnostics;
  }

  private static String formatAll(List<Diagnostic> diagnostics) {
    if (diagnostics.isEmpty()) {
      throw new IllegalArgumentException("a WorkflowException needs at least one diagnostic");
    }
    return diagnostics.stream().map(Diagnostic::format).collect(Collectors.joining("\n"));
  }
}
