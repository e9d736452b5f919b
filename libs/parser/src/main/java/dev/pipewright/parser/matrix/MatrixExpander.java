package dev.pipewright.parser.matrix;

import dev.pipewright.parser.YamlValues;
import dev.pipewright.parser.spec.MatrixSpec;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/** Expands a static {@code strategy.matrix} into its job instances with GitHub's rules. */
public final class MatrixExpander {
  private MatrixExpander() {}

  /**
   * The combinations in GitHub's order: the cartesian product of the axes in key order, minus every
   * combination that an {@code exclude} entry matches on all of its keys, then each {@code include}
   * entry either extends every remaining product combination it does not contradict (it may
   * overwrite values added by an earlier include, never an axis value) or, matching none, becomes a
   * combination of its own. An empty matrix has one empty combination.
   *
   * @throws IllegalStateException for a dynamic matrix, whose values are only known at run time
   */
  public static List<Map<String, Object>> expand(MatrixSpec m) {
    if (m.dynamic()) {
      throw new IllegalStateException(
          "matrix " + m.expression() + " is only known at run time and cannot be expanded now");
    }
    List<Map<String, Object>> product = product(m.axes());
    product.removeIf(combo -> m.exclude().stream().anyMatch(ex -> matchesAll(combo, ex)));
    if (m.axes().isEmpty() && m.include().isEmpty()) {
      return List.of(Map.of());
    }
    Set<String> axisKeys = m.axes().keySet();
    List<Map<String, Object>> extra = new ArrayList<>();
    for (Map<String, Object> include : m.include()) {
      boolean extended = false;
      for (Map<String, Object> combo : product) {
        if (agreesOnAxes(combo, include, axisKeys)) {
          include.forEach(
              (key, value) -> {
                if (!axisKeys.contains(key)) {
                  combo.put(key, value);
                }
              });
          extended = true;
        }
      }
      if (!extended) {
        extra.add(new LinkedHashMap<>(include));
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
      long matching = 1;
      for (Map.Entry<String, List<Object>> axis : m.axes().entrySet()) {
        long count =
            exclude.containsKey(axis.getKey())
                ? axis.getValue().stream().filter(v -> same(v, exclude.get(axis.getKey()))).count()
                : axis.getValue().size();
        matching = saturatingTimes(matching, count);
      }
      removable = Math.min(product, removable + matching);
    }
    return product - removable;
  }

  private static long saturatingTimes(long a, long b) {
    if (a == 0 || b == 0) {
      return 0;
    }
    return a > Long.MAX_VALUE / b ? Long.MAX_VALUE : a * b;
  }

  /** GitHub's instance name: {@code test (ubuntu-latest, 18)}; the bare name for no values. */
  public static String instanceName(String jobDisplayName, Map<String, Object> combo) {
    if (combo.isEmpty()) {
      return jobDisplayName;
    }
    return combo.values().stream()
        .map(YamlValues::text)
        .collect(Collectors.joining(", ", jobDisplayName + " (", ")"));
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

  private static boolean matchesAll(Map<String, Object> combo, Map<String, Object> partial) {
    return partial.entrySet().stream()
        .allMatch(e -> combo.containsKey(e.getKey()) && same(combo.get(e.getKey()), e.getValue()));
  }

  private static boolean agreesOnAxes(
      Map<String, Object> combo, Map<String, Object> include, Set<String> axisKeys) {
    return include.entrySet().stream()
        .filter(e -> axisKeys.contains(e.getKey()))
        .allMatch(e -> same(combo.get(e.getKey()), e.getValue()));
  }

  /** Deep equality where numbers compare by value, so an include's 18 matches an axis' 18.0. */
  private static boolean same(Object a, Object b) {
    if (a instanceof List<?> x && b instanceof List<?> y) {
      if (x.size() != y.size()) {
        return false;
      }
      for (int i = 0; i < x.size(); i++) {
        if (!same(x.get(i), y.get(i))) {
          return false;
        }
      }
      return true;
    }
    if (a instanceof Map<?, ?> x && b instanceof Map<?, ?> y) {
      return x.keySet().equals(y.keySet())
          && x.entrySet().stream().allMatch(e -> same(e.getValue(), y.get(e.getKey())));
    }
    if (a instanceof Number x && b instanceof Number y) {
      return x.doubleValue() == y.doubleValue();
    }
    return a == null ? b == null : a.equals(b);
  }
}
