package dev.pipewright.parser.matrix;

import dev.pipewright.expressions.EvalContext;
import dev.pipewright.expressions.ExpressionException;
import dev.pipewright.expressions.Template;
import dev.pipewright.expressions.Values;
import dev.pipewright.parser.spec.MatrixSpec;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Expands a static {@code strategy.matrix} into its job instances with GitHub's rules. */
public final class MatrixExpander {
  /** The runner cuts instance names to this many characters. */
  private static final int MAX_NAME = 100;

  private MatrixExpander() {}

  /**
   * The combinations in GitHub's order: the cartesian product of the axes in key order, minus every
   * combination that an {@code exclude} entry matches, then each {@code include} entry either
   * extends every remaining product combination its axis values match (it may overwrite values
   * added by an earlier include, never an axis value) or, matching none, becomes a combination of
   * its own (its axis keys first, then the others). An empty matrix has one empty combination.
   *
   * <p>Matching follows the runner's matrix builder: every leaf of the entry must equal the value
   * at the same path of the combination under the expression language's {@code ==}, so an object in
   * an entry is a subset pattern ({@code os: {name: Linux}} matches {@code {id: ubuntu-24.04, name:
   * Linux}}), a list matches element by element, strings compare ignoring case and numbers by value
   * ({@code 18} matches {@code 18.0} and {@code '18'}).
   *
   * @throws IllegalStateException for a dynamic matrix, whose values are only known at run time
   */
  public static List<Map<String, Object>> expand(MatrixSpec m) {
    if (m.dynamic()) {
      throw new IllegalStateException(
          "matrix " + m.expression() + " is only known at run time and cannot be expanded now");
    }
    List<Map<String, Object>> product = product(m.axes());
    product.removeIf(combo -> m.exclude().stream().anyMatch(ex -> matches(combo, ex)));
    if (m.axes().isEmpty() && m.include().isEmpty()) {
      return List.of(Map.of());
    }
    Set<String> axisKeys = m.axes().keySet();
    List<Map<String, Object>> extra = new ArrayList<>();
    for (Map<String, Object> include : m.include()) {
      Map<String, Object> filter = new LinkedHashMap<>();
      Map<String, Object> added = new LinkedHashMap<>();
      include.forEach((key, value) -> (axisKeys.contains(key) ? filter : added).put(key, value));
      boolean extended = false;
      for (Map<String, Object> combo : product) {
        if (matches(combo, filter)) {
          combo.putAll(added);
          extended = true;
        }
      }
      if (!extended) {
        filter.putAll(added);
        extra.add(filter);
      }
    }
    List<Map<String, Object>> all = new ArrayList<>(product.size() + extra.size());
    for (Map<String, Object> combo : product) {
      all.add(Collections.unmodifiableMap(combo));
    }
    for (Map<String, Object> combo : extra) {
      all.add(Collections.unmodifiableMap(combo));
    }
    return Collections.unmodifiableList(all);
  }

  /**
   * A lower bound of {@code expand(m).size()} computed without expanding, so a validator can refuse
   * a huge matrix cheaply: the product size minus, for each exclude, the number of product
   * combinations it matches (overlapping excludes make this an under-estimate, never more).
   */
  public static long minimumSize(MatrixSpec m) {
    if (m.dynamic()) {
      throw new IllegalStateException("matrix " + m.expression() + " is only known at run time");
    }
    if (m.axes().isEmpty()) {
      return m.include().isEmpty() ? 1 : m.include().size();
    }
    long product = 1;
    for (List<Object> values : m.axes().values()) {
      product = saturatingTimes(product, values.size());
    }
    long removable = 0;
    for (Map<String, Object> exclude : m.exclude()) {
      removable = Math.min(product, removable + matching(m.axes(), exclude));
    }
    return product - removable;
  }

  /** How many product combinations {@code exclude} matches: per axis, the values it matches. */
  private static long matching(Map<String, List<Object>> axes, Map<String, Object> exclude) {
    long matching = 1;
    for (Map.Entry<String, List<Object>> axis : axes.entrySet()) {
      long count = 0;
      for (Object value : axis.getValue()) {
        if (matches(Collections.singletonMap(axis.getKey(), value), only(exclude, axis.getKey()))) {
          count++;
        }
      }
      matching = saturatingTimes(matching, count);
    }
    // A key naming no axis reads as null in every combination.
    for (Map.Entry<String, Object> entry : exclude.entrySet()) {
      if (axisNamed(axes, entry.getKey()) == null && !matches(null, entry.getValue())) {
        return 0;
      }
    }
    return matching;
  }

  /** The entries of {@code filter} whose key names {@code axis}, as a filter of its own. */
  private static Map<String, Object> only(Map<String, Object> filter, String axis) {
    Map<String, Object> out = new LinkedHashMap<>();
    filter.forEach(
        (key, value) -> {
          if (key.equalsIgnoreCase(axis)) {
            out.put(key, value);
          }
        });
    return out;
  }

  private static String axisNamed(Map<String, List<Object>> axes, String key) {
    return axes.containsKey(key)
        ? key
        : axes.keySet().stream().filter(key::equalsIgnoreCase).findFirst().orElse(null);
  }

  private static long saturatingTimes(long a, long b) {
    if (a == 0 || b == 0) {
      return 0;
    }
    return a > Long.MAX_VALUE / b ? Long.MAX_VALUE : a * b;
  }

  /**
   * GitHub's instance name. A name with {@code ${{ }}} is rendered with the combination as the
   * {@code matrix} context and nothing appended ({@code "${{ matrix.os.name }} | Java ${{
   * matrix.java.version }}"} gives {@code "Linux | Java 17"}); other contexts are not known here
   * and read as empty. Otherwise the combination's values are appended in order, {@code test
   * (ubuntu-latest, 18)}: like the runner, only strings, numbers and booleans show, those inside
   * objects and lists included ({@code os: {name: Linux}, java: 17} gives {@code (Linux, 17)}), and
   * empty strings and nulls are left out. Like the runner, a name longer than 100 characters is cut
   * to 97 plus {@code ...}. No values, or an empty combination, leave the name as it is.
   */
  public static String instanceName(String jobDisplayName, Map<String, Object> combo) {
    if (combo.isEmpty()) {
      return jobDisplayName;
    }
    if (jobDisplayName.contains("${{")) {
      String rendered = rendered(jobDisplayName, combo);
      if (rendered != null) {
        return rendered;
      }
    }
    List<String> segments = new ArrayList<>();
    combo.values().forEach(value -> segments(value, segments));
    if (segments.isEmpty()) {
      return jobDisplayName;
    }
    String name = jobDisplayName + " (" + String.join(", ", segments) + ")";
    return name.length() > MAX_NAME ? name.substring(0, MAX_NAME - 3) + "..." : name;
  }

  /** The name rendered with the {@code matrix} context, or null when an expression fails. */
  private static String rendered(String template, Map<String, Object> combo) {
    try {
      return Template.parse(template)
          .render(EvalContext.builder().context("matrix", combo).build());
    } catch (ExpressionException e) {
      // The parser has checked the syntax; a function failing on these values (fromJSON of a
      // non-JSON string, say) leaves the name to be built like a literal one.
      return null;
    }
  }

  /** The primitive values of {@code value}, depth first, in order. */
  private static void segments(Object value, List<String> out) {
    switch (value) {
      case Map<?, ?> map -> map.values().forEach(v -> segments(v, out));
      case List<?> list -> list.forEach(v -> segments(v, out));
      case null -> {}
      default -> {
        String text = Values.toDisplayString(value);
        if (!text.isEmpty()) {
          out.add(text);
        }
      }
    }
  }

  private static List<Map<String, Object>> product(Map<String, List<Object>> axes) {
    List<Map<String, Object>> combos = new ArrayList<>();
    if (axes.isEmpty()) {
      return combos;
    }
    combos.add(new LinkedHashMap<>());
    for (Map.Entry<String, List<Object>> axis : axes.entrySet()) {
      List<Map<String, Object>> next = new ArrayList<>(combos.size() * axis.getValue().size());
      for (Map<String, Object> combo : combos) {
        for (Object value : axis.getValue()) {
          Map<String, Object> extended = new LinkedHashMap<>(combo);
          extended.put(axis.getKey(), value);
          next.add(extended);
        }
      }
      combos = next;
    }
    return combos;
  }

  /**
   * Whether every leaf of {@code filter} equals ({@code ==} of the expression language) the value
   * at its path in {@code actual}; a path that does not exist reads as null. A filter without
   * leaves matches anything.
   */
  private static boolean matches(Object actual, Object filter) {
    if (filter instanceof Map<?, ?> map) {
      for (Map.Entry<?, ?> entry : map.entrySet()) {
        Object child =
            actual instanceof Map<?, ?> m ? property(m, String.valueOf(entry.getKey())) : null;
        if (!matches(child, entry.getValue())) {
          return false;
        }
      }
      return true;
    }
    if (filter instanceof List<?> list) {
      for (int i = 0; i < list.size(); i++) {
        Object child = actual instanceof List<?> l && i < l.size() ? l.get(i) : null;
        if (!matches(child, list.get(i))) {
          return false;
        }
      }
      return true;
    }
    return Values.looseEquals(actual, filter);
  }

  /** A property looked up like the expression language does: exact name first, then any case. */
  private static Object property(Map<?, ?> map, String name) {
    if (map.containsKey(name)) {
      return map.get(name);
    }
    for (Map.Entry<?, ?> entry : map.entrySet()) {
      if (name.equalsIgnoreCase(String.valueOf(entry.getKey()))) {
        return entry.getValue();
      }
    }
    return null;
  }
}
