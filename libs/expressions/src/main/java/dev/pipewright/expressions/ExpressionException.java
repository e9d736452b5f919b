package dev.pipewright.expressions;

/**
 * A syntax error found while parsing, or an error raised while evaluating (a bad {@code format}
 * string, invalid JSON given to {@code fromJSON}, {@code hashFiles} unavailable...).
 *
 * <p>{@link #column()} is 1-based: within the expression source for {@link Expression}, within the
 * whole text for {@link Template} and {@link Condition}.
 */
public final class ExpressionException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int column;
  private final String reason;

  public ExpressionException(String reason, int column) {
    super(reason + " (column " + column + ")");
    this.reason = reason;
    this.column = column;
  }

  public ExpressionException(String reason, int column, Throwable cause) {
    super(reason + " (column " + column + ")", cause);
    this.reason = reason;
    this.column = column;
  }

  /** 1-based column of the offending symbol. */
  public int column() {
    return column;
  }

  /** The message without position. */
  public String reason() {
    return reason;
  }

  /** The same error with its column moved right by {@code offset} characters. */
  ExpressionException shifted(int offset) {
    return new ExpressionException(reason, column + offset, this);
  }
}
