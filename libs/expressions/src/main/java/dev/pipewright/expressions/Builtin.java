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
    List<Object> args = new ArrayList<>(call.args().size());
    for (Node arg : call.args()) {
      args.add(arg.eval(ctx));
    }
    return switch (this) {
      case CONTAINS -> contains(args.get(0), args.get(1));
      case STARTS_WITH -> {
        String s = Values.toDisplayString(args.get(0));
        String prefix = Values.toDisplayString(args.get(1));
        yield s.regionMatches(true, 0, prefix, 0, prefix.length());
      }
      case ENDS_WITH -> {
        String s = Values.toDisplayString(args.get(0));
        String suffix = Values.toDisplayString(args.get(1));
        yield s.length() >= suffix.length()
            && s.regionMatches(true, s.length() - suffix.length(), suffix, 0, suffix.length());
      }
      case FORMAT -> format(call, args);
      case JOIN -> join(args);
      case TO_JSON -> Json.write(args.get(0));
      case FROM_JSON -> fromJson(call, args.get(0));
      case HASH_FILES -> hashFiles(call, args, ctx);
      case SUCCESS -> ctx.jobState().isSuccess();
      case ALWAYS -> true;
      case CANCELLED -> ctx.jobState().isCancelled();
      case FAILURE -> ctx.jobState().isFailure();
    };
  }

  private static boolean contains(Object search, Object item) {
    if (Values.canonical(search) instanceof List<?> list) {
      for (Object element : list) {
        if (Values.looseEquals(element, item)) {
          return true;
        }
      }
      return false;
    }
    String haystack = Values.toDisplayString(search).toUpperCase(Locale.ROOT);
    String needle = Values.toDisplayString(item).toUpperCase(Locale.ROOT);
    return haystack.contains(needle);
  }

  private static String join(List<Object> args) {
    Object items = Values.canonical(args.get(0));
    String separator = ",";
    if (args.size() > 1 && Values.isPrimitive(args.get(1))) {
      separator = Values.toDisplayString(args.get(1));
    }
    if (items instanceof List<?> list) {
      StringBuilder out = new StringBuilder();
      for (int i = 0; i < list.size(); i++) {
        if (i > 0) {
          out.append(separator);
        }
        Object item = list.get(i);
        // GitHub skips nested arrays and objects rather than printing "Array"/"Object".
        if (Values.isPrimitive(item)) {
          out.append(Values.toDisplayString(item));
        }
      }
      return out.toString();
    }
    return Values.isPrimitive(items) ? Values.toDisplayString(items) : "";
  }

  private static String format(Node.Call call, List<Object> args) {
    String fmt = Values.toDisplayString(args.get(0));
    StringBuilder out = new StringBuilder(fmt.length() + 16);
    int i = 0;
    while (i < fmt.length()) {
      char c = fmt.charAt(i);
      char next = i + 1 < fmt.length() ? fmt.charAt(i + 1) : '\0';
      if (c == '{' && next == '{') {
        out.append('{');
        i += 2;
      } else if (c == '}' && next == '}') {
        out.append('}');
        i += 2;
      } else if (c == '{') {
        int j = i + 1;
        while (j < fmt.length() && j - i <= 9 && Character.isDigit(fmt.charAt(j))) {
          j++;
        }
        if (j == i + 1 || j >= fmt.length() || fmt.charAt(j) != '}') {
          throw error(call, "The following format string is invalid: '" + fmt + "'");
        }
        int index = Integer.parseInt(fmt.substring(i + 1, j));
        if (index + 1 >= args.size()) {
          throw error(
              call,
              "The following format string references more arguments than were supplied: '"
                  + fmt
                  + "'");
        }
        out.append(Values.toDisplayString(args.get(index + 1)));
        i = j + 1;
      } else if (c == '}') {
        throw error(call, "The following format string is invalid: '" + fmt + "'");
      } else {
        out.append(c);
        i++;
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

  private static String hashFiles(Node.Call call, List<Object> args, EvalContext ctx) {
    List<String> patterns = args.stream().map(Values::toDisplayString).toList();
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
