package dev.pipewright.expressions;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.pipewright.text.JsonStrings;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * JSON for {@code toJSON}/{@code fromJSON}. Writing is hand-made rather than Jackson's pretty
 * printer because GitHub's layout differs from it ({@code "key": value}, one array element per
 * line) and numbers must print as in templates ({@code 1}, not {@code 1.0}).
 */
final class Json {
  /**
   * How deeply {@code fromJSON} input may nest: GitHub's runner reads it with Newtonsoft.Json 13,
   * whose readers refuse more than 64 levels by default. It also bounds the recursion of {@link
   * #convert} and of {@link #write} on what was read.
   */
  static final int MAX_DEPTH = 64;

  private static final ObjectMapper MAPPER =
      JsonMapper.builder(
              JsonFactory.builder()
                  .streamReadConstraints(
                      StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH).build())
                  .build())
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .build();

  private Json() {}

  static String write(Object value) {
    StringBuilder out = new StringBuilder();
    write(out, value, 0);
    return out.toString();
  }

  private static void write(StringBuilder out, Object raw, int depth) {
    switch (Values.canonical(raw)) {
      case null -> out.append("null");
      case Boolean b -> out.append(b);
      case Double d -> out.append(Values.formatNumber(d));
      case String s -> JsonStrings.quote(out, s);
      case List<?> list -> {
        if (list.isEmpty()) {
          out.append("[]");
          return;
        }
        out.append('[');
        String sep = "\n";
        for (Object item : list) {
          out.append(sep);
          indent(out, depth + 1);
          write(out, item, depth + 1);
          sep = ",\n";
        }
        out.append('\n');
        indent(out, depth);
        out.append(']');
      }
      case Map<?, ?> map -> {
        if (map.isEmpty()) {
          out.append("{}");
          return;
        }
        out.append('{');
        String sep = "\n";
        for (Map.Entry<?, ?> e : map.entrySet()) {
          out.append(sep);
          indent(out, depth + 1);
          JsonStrings.quote(out, String.valueOf(e.getKey()));
          out.append(": ");
          write(out, e.getValue(), depth + 1);
          sep = ",\n";
        }
        out.append('\n');
        indent(out, depth);
        out.append('}');
      }
      default -> throw new IllegalStateException("not a canonical value: " + raw.getClass());
    }
  }

  private static void indent(StringBuilder out, int depth) {
    out.append("  ".repeat(depth));
  }

  static Object read(String json) {
    JsonNode node;
    try {
      node = MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      throw new ExpressionException("Error parsing fromJSON: " + e.getOriginalMessage(), 1, e);
    }
    if (node == null || node.isMissingNode()) {
      throw new ExpressionException("Error parsing fromJSON: empty input", 1);
    }
    return convert(node);
  }

  private static Object convert(JsonNode node) {
    if (node.isObject()) {
      Map<String, Object> map = new LinkedHashMap<>();
      node.properties().forEach(e -> map.put(e.getKey(), convert(e.getValue())));
      return map;
    }
    if (node.isArray()) {
      List<Object> list = new ArrayList<>(node.size());
      node.forEach(item -> list.add(convert(item)));
      return list;
    }
    if (node.isNumber()) {
      return node.doubleValue();
    }
    if (node.isBoolean()) {
      return node.booleanValue();
    }
    if (node.isNull()) {
      return null;
    }
    return node.asText();
  }
}
