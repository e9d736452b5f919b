package dev.pipewright.expressions;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A string with zero or more {@code ${{ expr }}} parts, such as a {@code run:} script or an {@code
 * env:} value. Immutable and thread-safe.
 */
public final class Template {
  private static final String OPEN = "${{";
  private static final String CLOSE = "}}";

  /**
   * Either literal text or an expression whose inner text starts at {@code offset} in the template.
   */
  private record Part(String literal, Expression expression, int offset) {}

  private final String text;
  private final List<Part> parts;
  private final List<Expression> expressions;

  private Template(String text, List<Part> parts) {
    this.text = text;
    this.parts = List.copyOf(parts);
    this.expressions = parts.stream().map(Part::expression).filter(Objects::nonNull).toList();
  }

  /**
   * Splits {@code text} into literal text and expressions. A {@code }}} inside a quoted string of
   * an expression does not close it.
   *
   * @throws ExpressionException for an unclosed {@code ${{} or an invalid expression; the column is
   *     1-based within {@code text}
   */
  public static Template parse(String text) {
    Objects.requireNonNull(text, "text");
    List<Part> parts = new ArrayList<>();
    int from = 0;
    while (true) {
      int open = text.indexOf(OPEN, from);
      if (open < 0) {
        break;
      }
      if (open > from) {
        parts.add(new Part(text.substring(from, open), null, 0));
      }
      int inner = open + OPEN.length();
      int close = findClose(text, inner);
      if (close < 0) {
        throw new ExpressionException(
            "The expression is not closed: '${{' has no matching '}}'", open + 1);
      }
      Expression expression;
      try {
        expression = Expression.parse(text.substring(inner, close));
      } catch (ExpressionException e) {
        throw e.shifted(inner);
      }
      parts.add(new Part(null, expression, inner));
      from = close + CLOSE.length();
    }
    if (from < text.length()) {
      parts.add(new Part(text.substring(from), null, 0));
    }
    return new Template(text, parts);
  }

  /** Index of the {@code }}} closing an expression whose text starts at {@code from}, or -1. */
  private static int findClose(String text, int from) {
    boolean inString = false;
    for (int i = from; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\'') {
        // A doubled quote inside a string toggles twice, which keeps us inside it.
        inString = !inString;
      } else if (!inString && c == '}' && i + 1 < text.length() && text.charAt(i + 1) == '}') {
        return i;
      }
    }
    return -1;
  }

  /** Whether the text holds no expression at all. */
  public boolean isLiteral() {
    return expressions.isEmpty();
  }

  /** The text this was parsed from. */
  public String text() {
    return text;
  }

  /** The expressions, in order of appearance. */
  public List<Expression> expressions() {
    return expressions;
  }

  /**
   * The text with each expression replaced by its value as a string ({@link
   * Values#toDisplayString}).
   *
   * @throws ExpressionException when a function fails; the column is within the template text
   */
  public String render(EvalContext ctx) {
    StringBuilder out = new StringBuilder(text.length());
    for (Part part : parts) {
      if (part.literal() != null) {
        out.append(part.literal());
      } else {
        out.append(Values.toDisplayString(evaluate(part, ctx)));
      }
    }
    return out.toString();
  }

  /**
   * The raw value when the whole text is a single {@code ${{ }}} (so {@code ${{ matrix.n }}} stays
   * a number and {@code ${{ fromJSON(x) }}} an object), else {@link #render}.
   */
  public Object evaluate(EvalContext ctx) {
    if (parts.size() == 1 && parts.getFirst().expression() != null) {
      return evaluate(parts.getFirst(), ctx);
    }
    return render(ctx);
  }

  /** Whether the text is one expression, optionally surrounded by whitespace. */
  boolean isSingleExpression() {
    return expressions.size() == 1
        && parts.stream().allMatch(p -> p.expression() != null || p.literal().isBlank());
  }

  /** The raw value of the only expression, with error columns within the template text. */
  Object evaluateSingleExpression(EvalContext ctx) {
    Part part = parts.stream().filter(p -> p.expression() != null).findFirst().orElseThrow();
    return evaluate(part, ctx);
  }

  private static Object evaluate(Part part, EvalContext ctx) {
    try {
      return part.expression().evaluate(ctx);
    } catch (ExpressionException e) {
      throw e.shifted(part.offset());
    }
  }

  @Override
  public String toString() {
    return text;
  }
}
