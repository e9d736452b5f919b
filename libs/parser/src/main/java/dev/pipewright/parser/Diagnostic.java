package dev.pipewright.parser;

/**
 * One problem in a workflow file, positioned like a compiler error (1-based line and column).
 *
 * @param hint a suggestion for the fix, or null
 */
public record Diagnostic(String file, int line, int column, String message, String hint) {

  /** {@code file:line:column: error: message}, plus an indented {@code hint:} line when present. */
  public String format() {
    return format("error");
  }

  /** {@code file:line:column: message}, on one line: an API field violation, a log line. */
  public String brief() {
    return file + ":" + line + ":" + column + ": " + message;
  }

  /** As {@link #format()} with another severity word ({@code warning}). */
  public String format(String severity) {
    String head = file + ":" + line + ":" + column + ": " + severity + ": " + message;
    return hint == null ? head : head + "\n  hint: " + hint;
  }
}
