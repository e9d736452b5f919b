package dev.pipewright.expressions;

import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * An {@code if:} value. The text may be a bare expression or wrapped in {@code ${{ }}}. Without a
 * status function it means {@code success() && (text)}, as on GitHub; an empty text means {@code
 * success()}. Text mixing {@code ${{ }}} with other characters is a string template, and like on
 * GitHub it is true whenever it renders non-empty (a classic workflow bug, kept for fidelity).
 */
public final class Condition {
  private final String source;
  private final Expression expression;
  private final Template template;
  private final boolean implicitSuccess;

  private Condition(String source, Expression expression, Template template) {
    this.source = source;
    this.expression = expression;
    this.template = template;
    boolean status =
        expression != null
            ? expression.usesStatusFunction()
            : template != null
                && template.expressions().stream().anyMatch(Expression::usesStatusFunction);
    this.implicitSuccess = !status;
  }

  /**
   * Parses an {@code if:} value.
   *
   * @throws ExpressionException on a syntax error; the column is 1-based within {@code ifText}
   */
  public static Condition parse(String ifText) {
    Objects.requireNonNull(ifText, "ifText");
    if (ifText.isBlank()) {
      return new Condition(ifText, null, null);
    }
    Template template = Template.parse(ifText);
    if (template.isLiteral()) {
      return new Condition(ifText, Expression.parse(ifText), null);
    }
    if (template.isSingleExpression()) {
      return new Condition(ifText, template.expressions().getFirst(), template);
    }
    return new Condition(ifText, null, template);
  }

  /**
   * Whether the step or job should run.
   *
   * @throws ExpressionException when a function fails
   */
  public boolean test(EvalContext ctx) {
    if (implicitSuccess && !ctx.jobState().isSuccess()) {
      return false;
    }
    if (expression == null && template == null) {
      return true;
    }
    if (template == null) {
      return Values.truthy(expression.evaluate(ctx));
    }
    if (expression != null) {
      return Values.truthy(template.evaluateSingleExpression(ctx));
    }
    return Values.truthy(template.render(ctx));
  }

  /** The text this was parsed from. */
  public String source() {
    return source;
  }

  /** Whether the condition names a status function (so no implicit {@code success()} applies). */
  public boolean usesStatusFunction() {
    return !implicitSuccess;
  }

  /** The top-level contexts referenced, in lower case. */
  public Set<String> contexts() {
    Set<String> names = new TreeSet<>();
    if (expression != null) {
      names.addAll(expression.contexts());
    }
    if (template != null) {
      template.expressions().forEach(e -> names.addAll(e.contexts()));
    }
    return Set.copyOf(names);
  }

  @Override
  public String toString() {
    return source;
  }
}
