package dev.pipewright.parser;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

/**
 * How YAML values become text: env values, {@code with:} inputs and matrix instance names all show
 * numbers the way GitHub does ({@code 3.10} is the number 3.1, {@code 18.0} shows as 18).
 */
public final class YamlValues {
  private static final ObjectMapper JSON = new ObjectMapper();

  private YamlValues() {}

  /** The text of a plain YAML value: null is empty, lists and maps are compact JSON. */
  public static String text(Object value) {
    if (value == null) {
      return "";
    }
    if (value instanceof Double d) {
      return number(d);
    }
    if (value instanceof Float f) {
      return number(f.doubleValue());
    }
    if (value instanceof List<?> || value instanceof Map<?, ?>) {
      try {
        return JSON.writeValueAsString(value);
      } catch (JsonProcessingException e) {
        throw new IllegalArgumentException("value cannot be rendered as JSON: " + value, e);
      }
    }
    return value.toString();
  }

  private static String number(double d) {
    if (Double.isNaN(d)) {
      return "NaN";
    }
    if (Double.isInfinite(d)) {
      return d > 0 ? "Infinity" : "-Infinity";
    }
    if (d == Math.rint(d) && Math.abs(d) < 1e15) {
      return Long.toString((long) d);
    }
    return BigDecimal.valueOf(d).stripTrailingZeros().toPlainString();
  }
}
