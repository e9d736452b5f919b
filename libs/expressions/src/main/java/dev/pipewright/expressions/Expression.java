package dev.pipewright.expressions;

import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * A parsed {@code ${{ }}} expression (the inner text). Parse once, evaluate many times: instances
 * are immutable and safe to share between threads.
 */
public final class Expression {
  private final String source;
  private final Node root;
  private final boolean usesStatusFunction;
  private final Set<String> contexts;

  private Expression(String source, Node root) {
    this.source = source;
    this.root = root;
    Set<String> names = new TreeSet<>();
    this.usesStatusFunction = walk(root, names);
    this.contexts = Set.copyOf(names);
  }

  /**
   * Parses the inner text of a {@code ${{ }}}.
   *
   * @throws ExpressionException on a syntax error, an unknown function or context, or a wrong
   *     number of arguments; its column is 1-based within {@code source}
   */
  public static Expression parse(String source) {
    Objects.requireNonNull(source, "source");
    return new Expression(source, Parser.parse(source));
  }

  /**
   * Evaluates against {@code ctx}. The result is null, Boolean, Double, String, a List or a Map.
   * Reading a missing property yields null; errors only come from functions (an invalid {@code
   * format} string, invalid JSON for {@code fromJSON}, {@code hashFiles} unavailable).
   *
   * @throws ExpressionException when a function fails; its column points at the function
   */
  public Object evaluate(EvalContext ctx) {
    return root.eval(Objects.requireNonNull(ctx, "ctx"));
  }

  /** The text this was parsed from. */
  public String source() {
    return source;
  }

  /**
   * Whether {@code success()}, {@code failure()}, {@code cancelled()} or {@code always()} occurs.
   */
  public boolean usesStatusFunction() {
    return usesStatusFunction;
  }

  /** The top-level contexts referenced, in lower case ({@code github}, {@code matrix}...). */
  public Set<String> contexts() {
    return contexts;
  }

  @Override
  public String toString() {
    return source;
  }

  /** Collects context names into {@code names}; returns whether a status function is called. */
  private static boolean walk(Node node, Set<String> names) {
    return switch (node) {
      case Node.Literal l -> false;
      case Node.ContextRef c -> {
        names.add(c.name());
        yield false;
      }
      case Node.Access a -> walk(a.target(), names) | (a.key() != null && walk(a.key(), names));
      case Node.Not n -> walk(n.operand(), names);
      case Node.Logical l -> walkAll(l.operands(), names);
      case Node.Compare c -> walk(c.left(), names) | walk(c.right(), names);
      case Node.Call c -> c.function().isStatusFunction() | walkAll(c.args(), names);
    };
  }

  private static boolean walkAll(List<Node> nodes, Set<String> names) {
    boolean status = false;
    for (Node node : nodes) {
      status |= walk(node, names);
    }
    return status;
  }
}
