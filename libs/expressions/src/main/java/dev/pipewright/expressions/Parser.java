package dev.pipewright.expressions;

import dev.pipewright.expressions.Node.CompareOp;
import dev.pipewright.expressions.Token.Kind;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Recursive descent with GitHub's precedence, loosest first: {@code ||}, {@code &&}, {@code == !=},
 * {@code < <= > >=}, {@code !}, then {@code . [ ] ( )}. Binary operators associate left.
 */
final class Parser {
  static final Set<String> CONTEXTS =
      Set.of(
          "github",
          "env",
          "vars",
          "job",
          "jobs",
          "steps",
          "runner",
          "secrets",
          "strategy",
          "matrix",
          "needs",
          "inputs");

  /** GitHub refuses expressions nested deeper than this; it also bounds our recursion. */
  static final int MAX_DEPTH = 50;

  static final int MAX_LENGTH = 21000;

  private final String src;
  private final List<Token> tokens;
  private int p;
  private int nesting;
  private final Map<Node, Integer> heights = new IdentityHashMap<>();

  private Parser(String src) {
    this.src = src;
    this.tokens = Lexer.tokenize(src);
  }

  static Node parse(String src) {
    if (src.length() > MAX_LENGTH) {
      throw new ExpressionException("Exceeded max expression length " + MAX_LENGTH, 1);
    }
    Parser parser = new Parser(src);
    if (parser.peek().kind() == Kind.EOF) {
      throw new ExpressionException("An expression was expected", 1);
    }
    Node node = parser.or();
    Token rest = parser.peek();
    if (rest.kind() != Kind.EOF) {
      throw parser.unexpected(rest);
    }
    return node;
  }

  private Token peek() {
    return tokens.get(p);
  }

  private Token advance() {
    return tokens.get(p++);
  }

  private boolean at(Kind kind) {
    return peek().kind() == kind;
  }

  private Token expect(Kind kind) {
    Token t = peek();
    if (t.kind() != kind) {
      throw unexpected(t);
    }
    return advance();
  }

  private ExpressionException unexpected(Token t) {
    if (t.kind() == Kind.EOF) {
      return new ExpressionException("Unexpected end of expression", src.length() + 1);
    }
    return new ExpressionException("Unexpected symbol: '" + t.text() + "'", t.pos() + 1);
  }

  /**
   * Records a new node's height and refuses trees taller than {@link #MAX_DEPTH}, so neither the
   * parser nor evaluation can overflow the stack.
   */
  private Node track(Node node, Token at, Node... children) {
    return track(node, at, List.of(children));
  }

  private Node track(Node node, Token at, List<Node> children) {
    int height = 1;
    for (Node child : children) {
      height = Math.max(height, heights.getOrDefault(child, 1) + 1);
    }
    if (height > MAX_DEPTH) {
      throw tooDeep(at);
    }
    heights.put(node, height);
    return node;
  }

  private static ExpressionException tooDeep(Token at) {
    return new ExpressionException("Exceeded max expression depth " + MAX_DEPTH, at.pos() + 1);
  }

  private Node or() {
    if (++nesting > MAX_DEPTH) {
      throw tooDeep(peek());
    }
    try {
      return orChain();
    } finally {
      nesting--;
    }
  }

  private Node orChain() {
    return chain(Kind.OR, this::and);
  }

  private Node and() {
    return chain(Kind.AND, this::equality);
  }

  /**
   * {@code a || b || c} as one node with three operands, not nested pairs; an operand that is
   * itself the same operator (a parenthesised group) gives its operands too. GitHub flattens the
   * same way (ExpressionParser.FlushTopOperator), so a long chain adds one level of depth, not one
   * per operator, and a chain GitHub accepts is accepted here.
   */
  private Node chain(Kind operator, Supplier<Node> operand) {
    Node first = operand.get();
    if (!at(operator)) {
      return first;
    }
    Token op = peek();
    List<Node> operands = new ArrayList<>();
    addFlattened(operands, first, operator);
    while (at(operator)) {
      advance();
      addFlattened(operands, operand.get(), operator);
    }
    boolean and = operator == Kind.AND;
    return track(new Node.Logical(and, List.copyOf(operands), op.pos()), op, operands);
  }

  private static void addFlattened(List<Node> operands, Node node, Kind operator) {
    if (node instanceof Node.Logical l && l.and() == (operator == Kind.AND)) {
      operands.addAll(l.operands());
    } else {
      operands.add(node);
    }
  }

  private Node equality() {
    Node left = comparison();
    while (at(Kind.EQ) || at(Kind.NE)) {
      Token op = advance();
      CompareOp cmp = op.kind() == Kind.EQ ? CompareOp.EQ : CompareOp.NE;
      Node right = comparison();
      left = track(new Node.Compare(cmp, left, right, op.pos()), op, left, right);
    }
    return left;
  }

  private Node comparison() {
    Node left = unary();
    while (true) {
      CompareOp cmp =
          switch (peek().kind()) {
            case LT -> CompareOp.LT;
            case LE -> CompareOp.LE;
            case GT -> CompareOp.GT;
            case GE -> CompareOp.GE;
            default -> null;
          };
      if (cmp == null) {
        return left;
      }
      Token op = advance();
      Node right = unary();
      left = track(new Node.Compare(cmp, left, right, op.pos()), op, left, right);
    }
  }

  private Node unary() {
    if (at(Kind.NOT)) {
      Token op = advance();
      if (++nesting > MAX_DEPTH) {
        throw tooDeep(op);
      }
      Node operand = unary();
      nesting--;
      return track(new Node.Not(operand, op.pos()), op, operand);
    }
    return postfix();
  }

  private Node postfix() {
    boolean grouped = at(Kind.LPAREN);
    Node node = primary();
    if (!grouped && node instanceof Node.Literal && (at(Kind.DOT) || at(Kind.LBRACKET))) {
      // GitHub refuses 'abc'.length or 1[0]: only contexts, calls and groups can be indexed.
      throw unexpected(peek());
    }
    while (true) {
      if (at(Kind.DOT)) {
        Token dot = advance();
        Token name = peek();
        if (name.kind() == Kind.STAR) {
          advance();
          node = track(new Node.Access(node, null, dot.pos()), dot, node);
        } else if (name.kind() == Kind.WORD) {
          advance();
          node =
              track(
                  new Node.Access(node, new Node.Literal(name.text(), name.pos()), dot.pos()),
                  dot,
                  node);
        } else {
          throw unexpected(name);
        }
      } else if (at(Kind.LBRACKET)) {
        Token open = advance();
        if (at(Kind.STAR)) {
          advance();
          expect(Kind.RBRACKET);
          node = track(new Node.Access(node, null, open.pos()), open, node);
        } else {
          Node key = or();
          expect(Kind.RBRACKET);
          node = track(new Node.Access(node, key, open.pos()), open, node, key);
        }
      } else {
        return node;
      }
    }
  }

  private Node primary() {
    Token t = peek();
    switch (t.kind()) {
      case STRING, NUMBER -> {
        advance();
        return new Node.Literal(t.value(), t.pos());
      }
      case LPAREN -> {
        advance();
        Node inner = or();
        expect(Kind.RPAREN);
        return inner;
      }
      case WORD -> {
        advance();
        return word(t);
      }
      default -> throw unexpected(t);
    }
  }

  private Node word(Token t) {
    switch (t.text()) {
      case "true":
        return new Node.Literal(Boolean.TRUE, t.pos());
      case "false":
        return new Node.Literal(Boolean.FALSE, t.pos());
      case "null":
        return new Node.Literal(null, t.pos());
      case "NaN":
        return new Node.Literal(Double.NaN, t.pos());
      case "Infinity":
        return new Node.Literal(Double.POSITIVE_INFINITY, t.pos());
      default:
        break;
    }
    if (at(Kind.LPAREN)) {
      return call(t);
    }
    String name = t.text().toLowerCase(Locale.ROOT);
    if (!CONTEXTS.contains(name)) {
      throw new ExpressionException("Unrecognized named-value: '" + t.text() + "'", t.pos() + 1);
    }
    return new Node.ContextRef(name, t.pos());
  }

  private Node call(Token name) {
    Builtin function = Builtin.lookup(name.text());
    if (function == null) {
      throw new ExpressionException("Unrecognized function: '" + name.text() + "'", name.pos() + 1);
    }
    Token open = expect(Kind.LPAREN);
    List<Node> args = new ArrayList<>();
    if (!at(Kind.RPAREN)) {
      args.add(or());
      while (at(Kind.COMMA)) {
        advance();
        args.add(or());
      }
    }
    expect(Kind.RPAREN);
    if (args.size() < function.minArgs) {
      throw new ExpressionException(
          "Too few parameters supplied: '" + name.text() + "'", name.pos() + 1);
    }
    if (args.size() > function.maxArgs) {
      throw new ExpressionException(
          "Too many parameters supplied: '" + name.text() + "'", name.pos() + 1);
    }
    return track(new Node.Call(function, List.copyOf(args), name.pos()), name, args);
  }
}
