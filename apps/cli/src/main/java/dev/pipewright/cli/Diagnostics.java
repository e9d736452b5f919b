package dev.pipewright.cli;

import dev.pipewright.parser.Diagnostic;
import dev.pipewright.parser.WorkflowException;
import java.io.PrintWriter;

/** How every command shows workflow errors: one {@code file:line:column: error: …} each. */
final class Diagnostics {
  private Diagnostics() {}

  static void print(WorkflowException e, PrintWriter err) {
    for (Diagnostic d : e.diagnostics()) {
      err.println(d.format());
    }
  }
}
