package dev.pipewright.parser.spec;

/** Where a node starts in its workflow file, 1-based, for error messages at run time too. */
public record SourcePos(String file, int line, int column) {
  public static final SourcePos UNKNOWN = new SourcePos("<unknown>", 0, 0);

  @Override
  public String toString() {
    return file + ":" + line + ":" + column;
  }
}
