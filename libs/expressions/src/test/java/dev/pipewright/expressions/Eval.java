package dev.pipewright.expressions;

/** Test helper: parse and evaluate in one go. */
final class Eval {
  private Eval() {}

  static Object eval(String source, EvalContext ctx) {
    return Expression.parse(source).evaluate(ctx);
  }

  static Object eval(String source) {
    return eval(source, EvalContext.empty());
  }
}
