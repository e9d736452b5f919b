package dev.pipewright.expressions;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The built-in functions, their arities and implementations. Names match case-insensitively. */
enum Builtin {
  CONTAINS("contains", 2, 2),
  STARTS_WITH("startsWith", 2, 2),
  ENDS_WITH("endsWith", 2, 2),
  FORMAT("format", 1, Integer.MAX_VALUE),
  JOIN("join", 1, 2),
  TO_JSON("toJSON", 1, 1),
  FROM_JSON("fromJSON", 1, 1),
  HASH_FILES("hashFiles", 1, Integer.MAX_VALUE),
  SUCCESS("success", 0, 0),
  ALWAYS("always", 0, 0),
  CANCELLED("cancelled", 0, 0),
  FAILURE("failure", 0, 0);

  private static final Map<String, Builtin> BY_NAME = byName();

  final String displayName;
  final int minArgs;
  final int maxArgs;

  Builtin(String displayName, int minArgs, int maxArgs) {
    this.displayName = displayName;
    this.minArgs = minArgs;
    this.maxArgs = maxArgs;
  }

  private static Map<String, Builtin> byName() {
    Map<String, Builtin> map = new java.util.HashMap<>();
    for (Builtin b : values()) {
      map.put(b.displayName.toLowerCase(Locale.ROOT), b);
    }
    return Map.copyOf(map);
  }

  static Builtin lookup(String name) {
    return BY_NAME.get(name.toLowerCase(Locale.ROOT));
  }

  boolean isStatusFunction() {
    return this == SUCCESS || this == ALWAYS || this == CANCELLED || this == FAILURE;
  }

  Object invoke(Node.Call call, EvalContext ctx) {
    List<Node> args = call.args();
    return switch (this) {
      case CONTAINS -> contains(args.get(0).eval(ctx), args.get(1).eval(ctx));
      case STARTS_WITH, ENDS_WITH -> affix(args.get(0).eval(ctx), args.get(1).eval(ctx));
      case FORMAT -> format(call, ctx);
      case JOIN -> join(args, ctx);
      case TO_JSON -> Json.write(args.get(0).eval(ctx));
      case FROM_JSON -> fromJson(call, args.get(0).eval(ctx));
      case HASH_FILES -> hashFiles(call, ctx);
      case SUCCESS -> ctx.jobState().isSuccess();
      case ALWAYS -> true;
      case CANCELLED -> ctx.jobState().isCancelled();
      case FAILURE -> ctx.jobState().isFailure();
    };
  }

  /** Array: any element loosely equal to the item. Primitive: case-insensitive substring. */
  private static boolean contains(Object search, Object item) {
    if (Values.canonical(search) instanceof List<?> list) {
      for (Object element : list) {
        if (Values.looseEquals(element, item)) {
          return true;
        }
      }
      return false;
    }
    if (!Values.isPrimitive(search) || !Values.isPrimitive(item)) {
      return false;
    }
    String haystack = Values.toDisplayString(search).toUpperCase(Locale.ROOT);
    String needle = Values.toDisplayString(item).toUpperCase(Locale.ROOT);
    return haystack.contains(needle);
  }

  /** {@code startsWith}/{@code endsWith}: case-insensitive, false unless both are primitives. */
  private boolean affix(Object searchString, Object searchValue) {
    if (!Values.isPrimitive(searchString) || !Values.isPrimitive(searchValue)) {
      return false;
    }
    String s = Values.toDisplayString(searchString);
    String part = Values.toDisplayString(searchValue);
    int at = this == STARTS_WITH ? 0 : s.length() - part.length();
    return at >= 0 && s.regionMatches(true, at, part, 0, part.length());
  }

  private static String join(List<Node> args, EvalContext ctx) {
    Object items = Values.canonical(args.get(0).eval(ctx));
    if (items instanceof List<?> list && !list.isEmpty()) {
      String separator = ",";
      if (args.size() > 1) {
        Object sep = args.get(1).eval(ctx);
        if (Values.isPrimitive(sep)) {
          separator = Values.toDisplayString(sep);
        }
      }
      StringBuilder out = new StringBuilder();
      for (int i = 0; i < list.size(); i++) {
        if (i > 0) {
          out.append(separator);
        }
        out.append(Values.toDisplayString(list.get(i)));
      }
      return out.toString();
    }
    return Values.isPrimitive(items) ? Values.toDisplayString(items) : "";
  }

  /**
   * {@code {N}} inserts argument N (0 to 255), {@code {{} and {@code }}} are literal braces. Like
   * the runner, the whole format string is validated first, and only referenced arguments are
   * evaluated, each once.
   */
  private static String format(Node.Call call, EvalContext ctx) {
    String fmt = Values.toDisplayString(call.args().get(0).eval(ctx));
    int supplied = call.args().size() - 1;
    List<Object> pieces = new ArrayList<>();
    StringBuilder literal = new StringBuilder();
    int i = 0;
    while (i < fmt.length()) {
      char c = fmt.charAt(i);
      char next = i + 1 < fmt.length() ? fmt.charAt(i + 1) : '\0';
      if ((c == '{' && next == '{') || (c == '}' && next == '}')) {
        literal.append(c);
        i += 2;
      } else if (c == '{') {
        int j = i + 1;
        while (j < fmt.length() && fmt.charAt(j) >= '0' && fmt.charAt(j) <= '9') {
          j++;
        }
        if (j == i + 1
            || j - i > 4
            || j >= fmt.length()
            || Integer.parseInt(fmt, i + 1, j, 10) > 255) {
          throw error(call, "The following format string is invalid: '" + fmt + "'");
        }
        int index = Integer.parseInt(fmt, i + 1, j, 10);
        if (fmt.charAt(j) == ':') {
          int end = fmt.indexOf('}', j);
          if (end < 0) {
            throw error(call, "The following format string is invalid: '" + fmt + "'");
          }
          throw error(
              call, "The format specifiers '" + fmt.substring(j + 1, end) + "' are not supported");
        }
        if (fmt.charAt(j) != '}') {
          throw error(call, "The following format string is invalid: '" + fmt + "'");
        }
        if (index >= supplied) {
          throw error(
              call,
              "The following format string references more arguments than were supplied: '"
                  + fmt
                  + "'");
        }
        pieces.add(literal.toString());
        literal.setLength(0);
        pieces.add(index);
        i = j + 1;
      } else if (c == '}') {
        throw error(call, "The following format string is invalid: '" + fmt + "'");
      } else {
        literal.append(c);
        i++;
      }
    }
    pieces.add(literal.toString());
    String[] cache = new String[supplied];
    StringBuilder out = new StringBuilder(fmt.length() + 16);
    for (Object piece : pieces) {
      if (piece instanceof Integer index) {
        if (cache[index] == null) {
          cache[index] = Values.toDisplayString(call.args().get(index + 1).eval(ctx));
        }
        out.append(cache[index]);
      } else {
        out.append((String) piece);
      }
    }
    return out.toString();
  }

  private static Object fromJson(Node.Call call, Object arg) {
    String text = Values.toDisplayString(arg);
    try {
      return Json.read(text);
    } catch (ExpressionException e) {
      throw new ExpressionException(e.reason(), call.pos() + 1, e);
    }
  }

  private static String hashFiles(Node.Call call, EvalContext ctx) {
    List<String> patterns =
        call.args().stream().map(arg -> Values.toDisplayString(arg.eval(ctx))).toList();
    try {
      return ctx.hashFiles(patterns);
    } catch (ExpressionException e) {
      throw new ExpressionException(e.reason(), call.pos() + 1, e);
    }
  }

  private static ExpressionException error(Node.Call call, String reason) {
    return new ExpressionException(reason, call.pos() + 1);
  }
}
