package dev.pipewright.parser;

/**
 * One problem in a workflow file, positioned like a compiler error (1-based line and column).
 *
 * @param hint a suggestion for the fix, or null
 */
public record Diagnostic(String file, int line, int column, String message, String hint) {

  /** {@code file:line:column: error: message}, plus an indented {@code hint:} line when present. */
  public String format() {
    String head = file + ":" + line + ":" + column + ": error: " + message;
    return hint == null ? head : head + "\n  hint: " + hint;
  }
}
