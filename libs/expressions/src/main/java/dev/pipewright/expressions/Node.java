package dev.pipewright.expressions;

import java.util.List;
import java.util.Map;

/** The syntax tree. Nodes are immutable; {@code pos} is the 0-based offset in the source. */
sealed interface Node {

  Object eval(EvalContext ctx);

  int pos();

  record Literal(Object value, int pos) implements Node {
    @Override
    public Object eval(EvalContext ctx) {
      return value;
    }
  }

  /** A top-level context such as {@code github}; the name is lower case. */
  record ContextRef(String name, int pos) implements Node {
    @Override
    public Object eval(EvalContext ctx) {
      return Values.canonical(ctx.context(name));
    }
  }

  /**
   * {@code target.name}, {@code target[key]}, or with {@code key == null} the object filter {@code
   * target.*} / {@code target[*]}.
   */
  record Access(Node target, Node key, int pos) implements Node {
    /** Marks a property that does not exist, as opposed to one holding null. */
    private static final Object MISSING = new Object();

    @Override
    public Object eval(EvalContext ctx) {
      Object container = target.eval(ctx);
      Object k = key == null ? null : key.eval(ctx);
      if (container instanceof FilteredList filtered) {
        // A property access on a filter result applies to each element and keeps what exists.
        FilteredList result = new FilteredList();
        for (Object item : filtered) {
          if (key == null) {
            addChildren(result, item);
          } else {
            Object v = lookup(item, k);
            if (v != MISSING) {
              result.add(v);
            }
          }
        }
        return result;
      }
      if (key == null) {
        FilteredList result = new FilteredList();
        addChildren(result, container);
        return result;
      }
      Object v = lookup(container, k);
      return v == MISSING ? null : v;
    }

    private static void addChildren(FilteredList out, Object container) {
      switch (Values.canonical(container)) {
        case List<?> list -> list.forEach(item -> out.add(Values.canonical(item)));
        case Map<?, ?> map -> map.values().forEach(item -> out.add(Values.canonical(item)));
        case null, default -> {}
      }
    }

    /**
     * Property (case-insensitive) or element lookup, like the runner's index helper: a map takes
     * the key as a string, a list takes it as a number floored to an integer.
     */
    private static Object lookup(Object container, Object key) {
      switch (Values.canonical(container)) {
        case Map<?, ?> map -> {
          if (!Values.isPrimitive(key)) {
            return MISSING;
          }
          String name = Values.toDisplayString(key);
          if (map.containsKey(name)) {
            return Values.canonical(map.get(name));
          }
          for (Map.Entry<?, ?> e : map.entrySet()) {
            if (name.equalsIgnoreCase(String.valueOf(e.getKey()))) {
              return Values.canonical(e.getValue());
            }
          }
          return MISSING;
        }
        case List<?> list -> {
          double index = Math.floor(Values.toNumber(key));
          if (Double.isNaN(index) || index < 0 || index >= list.size()) {
            return MISSING;
          }
          return Values.canonical(list.get((int) index));
        }
        case null, default -> {
          return MISSING;
        }
      }
    }
  }

  record Not(Node operand, int pos) implements Node {
    @Override
    public Object eval(EvalContext ctx) {
      return !Values.truthy(operand.eval(ctx));
    }
  }

  /**
   * {@code &&} or {@code ||} over two or more operands, evaluated left to right until one decides:
   * the result is that operand's value, not a boolean.
   */
  record Logical(boolean and, List<Node> operands, int pos) implements Node {
    @Override
    public Object eval(EvalContext ctx) {
      Object value = null;
      for (Node operand : operands) {
        value = operand.eval(ctx);
        if (Values.truthy(value) != and) {
          return value;
        }
      }
      return value;
    }
  }

  enum CompareOp {
    EQ,
    NE,
    LT,
    LE,
    GT,
    GE
  }

  record Compare(CompareOp op, Node left, Node right, int pos) implements Node {
    @Override
    public Object eval(EvalContext ctx) {
      Object l = left.eval(ctx);
      Object r = right.eval(ctx);
      return switch (op) {
        case EQ -> Values.looseEquals(l, r);
        case NE -> !Values.looseEquals(l, r);
        case LT -> Values.lessThan(l, r);
        case LE -> Values.lessOrEqual(l, r);
        case GT -> Values.greaterThan(l, r);
        case GE -> Values.greaterOrEqual(l, r);
      };
    }
  }

  record Call(Builtin function, List<Node> args, int pos) implements Node {
    @Override
    public Object eval(EvalContext ctx) {
      return function.invoke(this, ctx);
    }
  }
}
