package dev.pipewright.capabilities;

import dev.pipewright.parser.Diagnostic;
import dev.pipewright.parser.spec.SourcePos;
import java.util.Locale;

/**
 * What an executor makes of one key of a workflow: an {@link Severity#ERROR} when it cannot run it
 * (the build is refused), a {@link Severity#WARNING} when it runs the job without honouring it.
 */
public record Finding(Severity severity, Diagnostic diagnostic) {

  public enum Severity {
    ERROR,
    WARNING
  }

  public static Finding error(SourcePos at, String message, String hint) {
    return new Finding(Severity.ERROR, diagnostic(at, message, hint));
  }

  static Finding warning(SourcePos at, String message, String hint) {
    return new Finding(Severity.WARNING, diagnostic(at, message, hint));
  }

  private static Diagnostic diagnostic(SourcePos at, String message, String hint) {
    return new Diagnostic(at.file(), at.line(), at.column(), message, hint);
  }

  public boolean isError() {
    return severity == Severity.ERROR;
  }

  /** {@code file:line:column: error|warning: message}, and its hint line. */
  public String format() {
    return diagnostic.format(severity.name().toLowerCase(Locale.ROOT));
  }
}
