package dev.pipewright.expressions;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * GitHub's value model: null, boolean, number (a double), string, array and object, with the
 * documented coercions between them. Every method accepts any Java value: numbers of any boxed
 * type, {@code CharSequence}s, {@code List}s, {@code Map}s and Java arrays are understood.
 */
public final class Values {

  /** The six kinds of value of the expression language. */
  public enum Kind {
    NULL,
    BOOLEAN,
    NUMBER,
    STRING,
    ARRAY,
    OBJECT
  }

  private static final Pattern DECIMAL =
      Pattern.compile("[+-]?(?:\\d+\\.?\\d*|\\.\\d+)(?:[eE][+-]?\\d+)?");
  private static final Pattern HEX = Pattern.compile("0x[0-9a-fA-F]{1,15}");
  private static final Pattern OCTAL = Pattern.compile("0o[0-7]{1,20}");
  private static final Pattern INFINITY =
      Pattern.compile("([+-]?)infinity", Pattern.CASE_INSENSITIVE);

  private Values() {}

  /**
   * The value in the expression language's own types: null, Boolean, Double, String, List or Map.
   * Collections are not copied; their elements are canonicalised when read.
   */
  public static Object canonical(Object value) {
    return switch (value) {
      case null -> null;
      case Boolean b -> b;
      case Double d -> d;
      case String s -> s;
      case Number n -> n.doubleValue();
      case CharSequence cs -> cs.toString();
      case Character c -> c.toString();
      case List<?> l -> l;
      case Map<?, ?> m -> m;
      case Collection<?> c -> new ArrayList<Object>(c);
      case Object[] a -> Arrays.asList(a);
      case Enum<?> e -> e.name();
      default -> value.toString();
    };
  }

  public static Kind kind(Object value) {
    return switch (canonical(value)) {
      case null -> Kind.NULL;
      case Boolean b -> Kind.BOOLEAN;
      case Double d -> Kind.NUMBER;
      case String s -> Kind.STRING;
      case List<?> l -> Kind.ARRAY;
      default -> Kind.OBJECT;
    };
  }

  /** Whether the value is null, a boolean, a number or a string. */
  public static boolean isPrimitive(Object value) {
    Kind kind = kind(value);
    return kind != Kind.ARRAY && kind != Kind.OBJECT;
  }

  /**
   * Falsy: false, 0, -0, NaN, '' and null. Everything else, arrays and objects included, is truthy.
   */
  public static boolean truthy(Object value) {
    return switch (canonical(value)) {
      case null -> false;
      case Boolean b -> b;
      case Double d -> d != 0 && !d.isNaN();
      case String s -> !s.isEmpty();
      default -> true;
    };
  }

  /**
   * The string a value becomes when it is inserted in a template or given to a string function:
   * null is '', numbers print with up to 15 significant digits ({@code 3}, {@code 0.5}, {@code
   * 1E+15}, like .NET's {@code G15} used by GitHub), arrays and objects print as {@code Array} and
   * {@code Object}.
   */
  public static String toDisplayString(Object value) {
    return switch (canonical(value)) {
      case null -> "";
      case Boolean b -> b.toString();
      case Double d -> formatNumber(d);
      case String s -> s;
      case List<?> l -> "Array";
      default -> "Object";
    };
  }

  /** .NET's {@code G15} format, which GitHub uses for numbers: 15 significant digits. */
  static String formatNumber(double d) {
    if (Double.isNaN(d)) {
      return "NaN";
    }
    if (Double.isInfinite(d)) {
      return d > 0 ? "Infinity" : "-Infinity";
    }
    if (d == 0) {
      return 1 / d < 0 ? "-0" : "0";
    }
    BigDecimal rounded =
        new BigDecimal(d).round(new MathContext(15, RoundingMode.HALF_UP)).stripTrailingZeros();
    int exponent = rounded.precision() - rounded.scale() - 1;
    if (exponent > -5 && exponent < 15) {
      return rounded.toPlainString();
    }
    String digits = rounded.unscaledValue().abs().toString();
    StringBuilder out = new StringBuilder(24);
    if (d < 0) {
      out.append('-');
    }
    out.append(digits.charAt(0));
    if (digits.length() > 1) {
      out.append('.').append(digits, 1, digits.length());
    }
    out.append('E').append(exponent < 0 ? '-' : '+');
    int magnitude = Math.abs(exponent);
    if (magnitude < 10) {
      out.append('0');
    }
    return out.append(magnitude).toString();
  }

  /**
   * Number coercion: null → 0, false → 0, true → 1, a string holding a number (decimal, exponent,
   * {@code 0x} hex, {@code 0o} octal, surrounding whitespace allowed; blank → 0) → that number,
   * anything else → NaN.
   */
  public static Double toNumber(Object value) {
    return switch (canonical(value)) {
      case null -> 0d;
      case Boolean b -> b ? 1d : 0d;
      case Double d -> d;
      case String s -> parseNumber(s.strip());
      default -> Double.NaN;
    };
  }

  /** Parses a number the way GitHub does; NaN when the text is not a number. Blank is 0. */
  static double parseNumber(String text) {
    if (text.isEmpty()) {
      return 0d;
    }
    if (DECIMAL.matcher(text).matches()) {
      return Double.parseDouble(text);
    }
    if (HEX.matcher(text).matches()) {
      return int32(text.substring(2), 16);
    }
    if (OCTAL.matcher(text).matches()) {
      return int32(text.substring(2), 8);
    }
    if (text.equals("Infinity")) {
      return Double.POSITIVE_INFINITY;
    }
    if (text.equals("-Infinity")) {
      return Double.NEGATIVE_INFINITY;
    }
    return Double.NaN;
  }

  /**
   * The runner parses hex and octal into a 32-bit int: up to 32 bits are accepted and wrap to
   * negative (so {@code 0xffffffff} is -1), anything longer is not a number.
   */
  private static double int32(String digits, int radix) {
    String trimmed = digits.replaceFirst("^0+(?=.)", "");
    if (trimmed.length() > 11) {
      return Double.NaN;
    }
    long value = Long.parseLong(trimmed, radix);
    if (value > 0xFFFF_FFFFL) {
      return Double.NaN;
    }
    return (int) value;
  }

  /**
   * GitHub's {@code ==}: values of different kinds are coerced to numbers (a boolean or null side
   * is converted first, then a number against a string converts the string); NaN equals nothing;
   * strings compare ignoring case; arrays and objects are equal only to themselves.
   */
  public static boolean looseEquals(Object left, Object right) {
    Coerced c = coerce(canonical(left), canonical(right));
    Object l = c.left();
    Object r = c.right();
    if (c.kind() == null) {
      return false;
    }
    return switch (c.kind()) {
      case NULL -> true;
      case NUMBER -> ((Double) l).doubleValue() == (Double) r;
      case STRING -> ((String) l).equalsIgnoreCase((String) r);
      case BOOLEAN -> l.equals(r);
      case ARRAY, OBJECT -> l == r;
    };
  }

  /** GitHub's {@code <}: same coercions as {@link #looseEquals}; NaN, arrays, objects: false. */
  public static boolean lessThan(Object left, Object right) {
    Integer c = order(left, right);
    return c != null && c < 0;
  }

  /** GitHub's {@code >}. */
  public static boolean greaterThan(Object left, Object right) {
    Integer c = order(left, right);
    return c != null && c > 0;
  }

  /** GitHub's {@code <=}, defined as {@code == || <} (so an array is {@code <=} itself). */
  public static boolean lessOrEqual(Object left, Object right) {
    return looseEquals(left, right) || lessThan(left, right);
  }

  /** GitHub's {@code >=}, defined as {@code == || >}. */
  public static boolean greaterOrEqual(Object left, Object right) {
    return looseEquals(left, right) || greaterThan(left, right);
  }

  /** Sign of the comparison after coercion, or null when the pair is unordered. */
  private static Integer order(Object left, Object right) {
    Coerced c = coerce(canonical(left), canonical(right));
    Object l = c.left();
    Object r = c.right();
    if (c.kind() == null) {
      return null;
    }
    return switch (c.kind()) {
      case NUMBER -> {
        double a = (Double) l;
        double b = (Double) r;
        yield Double.isNaN(a) || Double.isNaN(b)
            ? null
            : Integer.valueOf(a < b ? -1 : a > b ? 1 : 0);
      }
      case STRING -> String.CASE_INSENSITIVE_ORDER.compare((String) l, (String) r);
      case BOOLEAN -> Boolean.compare((Boolean) l, (Boolean) r);
      case NULL, ARRAY, OBJECT -> null;
    };
  }

  /** Both sides after coercion, and their common kind, or a null kind when they still differ. */
  private record Coerced(Object left, Object right, Kind kind) {}

  private static Coerced coerce(Object left, Object right) {
    Kind lk = kind(left);
    Kind rk = kind(right);
    if (lk == rk) {
      return new Coerced(left, right, lk);
    }
    if (lk == Kind.NUMBER && rk == Kind.STRING) {
      return new Coerced(left, toNumber(right), Kind.NUMBER);
    }
    if (lk == Kind.STRING && rk == Kind.NUMBER) {
      return new Coerced(toNumber(left), right, Kind.NUMBER);
    }
    if (lk == Kind.BOOLEAN || lk == Kind.NULL) {
      return coerce(toNumber(left), right);
    }
    if (rk == Kind.BOOLEAN || rk == Kind.NULL) {
      return coerce(left, toNumber(right));
    }
    return new Coerced(left, right, null);
  }

  /** {@code toJSON}: indented with two spaces, like GitHub's. */
  public static String toJson(Object value) {
    return Json.write(value);
  }

  /**
   * {@code fromJSON}: objects become {@code Map<String,Object>} (insertion-ordered), arrays {@code
   * List<Object>}, numbers Double. Useful to load an event payload into a context.
   *
   * @throws ExpressionException when the text is not JSON
   */
  public static Object fromJson(String json) {
    return Json.read(json);
  }
}
