package dev.pipewright.parser;

import dev.pipewright.parser.spec.Concurrency;
import dev.pipewright.parser.spec.RunDefaults;
import dev.pipewright.text.Suggestions;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;

/**
 * Typed access to a composed YAML node tree. Every wrong shape is reported to the diagnostics and
 * read as absent, so one parse finds all problems instead of stopping at the first.
 */
final class NodeReader {
  private static final List<String> DEFAULTS_KEYS = List.of("run");
  private static final List<String> RUN_DEFAULTS_KEYS = List.of("shell", "working-directory");
  private static final List<String> CONCURRENCY_KEYS = List.of("group", "cancel-in-progress");

  private final Diagnostics diagnostics;
  // Guards against alias cycles, which would otherwise recurse forever.
  private final Set<Node> converting = Collections.newSetFromMap(new IdentityHashMap<>());

  NodeReader(Diagnostics diagnostics) {
    this.diagnostics = diagnostics;
  }

  Diagnostics diagnostics() {
    return diagnostics;
  }

  // ---- mappings, merge keys, known keys ----

  /**
   * The entries of a mapping by key. The composer has already applied {@code <<} merge keys: keys
   * written in the mapping come first and win, then merged keys in merge order.
   */
  Map<String, NodeTuple> entries(MappingNode mapping) {
    Map<String, NodeTuple> out = new LinkedHashMap<>();
    for (NodeTuple tuple : mapping.getValue()) {
      String key = keyText(tuple.getKeyNode());
      if (key == null) {
        continue;
      }
      NodeTuple first = out.putIfAbsent(key, tuple);
      if (first != null) {
        diagnostics.error(
            tuple.getKeyNode(),
            "duplicate key '" + key + "'",
            "'" + key + "' is first defined at line " + diagnostics.pos(first.getKeyNode()).line());
      }
    }
    return out;
  }

  private String keyText(Node key) {
    if (key instanceof ScalarNode s) {
      return s.getValue();
    }
    diagnostics.error(key, "a mapping key must be a string, not " + kind(key));
    return null;
  }

  /**
   * The entries of a mapping whose keys are known; an unknown key is reported with the closest
   * known one. {@code where} names the mapping in messages ("job 'build'").
   */
  Fields fields(MappingNode mapping, List<String> known, String where) {
    Map<String, NodeTuple> entries = entries(mapping);
    for (NodeTuple tuple : entries.values()) {
      String key = ((ScalarNode) tuple.getKeyNode()).getValue();
      if (!known.contains(key)) {
        String closest = Suggestions.closest(key, known);
        String hint =
            closest != null
                ? "did you mean '" + closest + "'?"
                : "expected one of: " + String.join(", ", known);
        diagnostics.error(tuple.getKeyNode(), "unknown key '" + key + "' in " + where, hint);
      }
    }
    return new Fields(mapping, entries);
  }

  // ---- shapes ----

  static String kind(Node node) {
    if (node instanceof MappingNode) {
      return "a mapping";
    }
    if (node instanceof SequenceNode) {
      return "a sequence";
    }
    Tag tag = node.getTag();
    if (Tag.NULL.equals(tag)) {
      return "null";
    }
    if (Tag.BOOL.equals(tag)) {
      return "a boolean";
    }
    if (Tag.INT.equals(tag) || Tag.FLOAT.equals(tag)) {
      return "a number";
    }
    return "a string";
  }

  static boolean isNull(Node node) {
    return node == null || (node instanceof ScalarNode && Tag.NULL.equals(node.getTag()));
  }

  /** The mapping, or null when absent, empty ({@code key:}) or of another shape (reported). */
  MappingNode mapping(Node node, String what) {
    return shaped(node, MappingNode.class, what, "a mapping");
  }

  /** The sequence, or null when absent, empty or of another shape (reported). */
  SequenceNode sequence(Node node, String what) {
    return shaped(node, SequenceNode.class, what, "a sequence");
  }

  private <T extends Node> T shaped(Node node, Class<T> type, String what, String expected) {
    if (isNull(node)) {
      return null;
    }
    if (type.isInstance(node)) {
      return type.cast(node);
    }
    diagnostics.error(node, "'" + what + "' must be " + expected + ", not " + kind(node));
    return null;
  }

  /** A scalar as text (numbers and booleans included), null when absent or not a scalar. */
  String string(Node node, String what) {
    if (isNull(node)) {
      return null;
    }
    if (node instanceof ScalarNode s) {
      return text(s);
    }
    diagnostics.error(node, "'" + what + "' must be a string, not " + kind(node));
    return null;
  }

  /** A string-valued mapping such as {@code env:}; numbers and booleans become their text. */
  Map<String, String> stringMap(Node node, String what) {
    MappingNode mapping = mapping(node, what);
    if (mapping == null) {
      return Map.of();
    }
    Map<String, String> out = new LinkedHashMap<>();
    entries(mapping)
        .forEach(
            (key, tuple) -> {
              Node value = tuple.getValueNode();
              if (value instanceof ScalarNode s) {
                out.put(key, text(s));
              } else {
                diagnostics.error(
                    value,
                    "'"
                        + what
                        + "."
                        + key
                        + "' must be a string, number or boolean, not "
                        + kind(value));
              }
            });
    return Collections.unmodifiableMap(out);
  }

  /** A scalar or a sequence of scalars ({@code needs: build} or {@code needs: [a, b]}). */
  List<ScalarNode> scalars(Node node, String what) {
    if (isNull(node)) {
      return List.of();
    }
    if (node instanceof ScalarNode s) {
      return List.of(s);
    }
    List<ScalarNode> out = new ArrayList<>();
    if (node instanceof SequenceNode seq) {
      for (Node item : seq.getValue()) {
        if (item instanceof ScalarNode s && !isNull(s)) {
          out.add(s);
        } else {
          diagnostics.error(
              item, "each entry of '" + what + "' must be a string, not " + kind(item));
        }
      }
    } else {
      diagnostics.error(
          node, "'" + what + "' must be a string or a sequence of strings, not " + kind(node));
    }
    return out;
  }

  List<String> strings(Node node, String what) {
    return scalars(node, what).stream().map(NodeReader::text).toList();
  }

  /** {@code "true"}, {@code "false"} or the expression text ({@code continue-on-error}). */
  String booleanOrExpression(Node node, String what) {
    return valueOrExpression(node, what, "a boolean", List.of(Tag.BOOL));
  }

  /** The number as text or the expression text ({@code timeout-minutes}). */
  String numberOrExpression(Node node, String what) {
    return valueOrExpression(node, what, "a number", List.of(Tag.INT, Tag.FLOAT));
  }

  private String valueOrExpression(Node node, String what, String expected, List<Tag> tags) {
    if (isNull(node)) {
      return null;
    }
    if (node instanceof ScalarNode s) {
      if (tags.contains(s.getTag())) {
        return text(s);
      }
      if (Tag.STR.equals(s.getTag()) && isExpression(s.getValue())) {
        return s.getValue();
      }
    }
    diagnostics.error(
        node, "'" + what + "' must be " + expected + " or an expression, not " + describe(node));
    return null;
  }

  /** The kind, and for a scalar its text: "the string 'ten'". */
  static String describe(Node node) {
    if (node instanceof ScalarNode s && !isNull(s)) {
      return kind(s).replaceFirst("^an? ", "the ") + " '" + s.getValue() + "'";
    }
    return kind(node);
  }

  static boolean isExpression(String text) {
    return text != null && text.contains("${{");
  }

  /** The {@code if:} text without a {@code ${{ }}} wrapper; a boolean becomes its text. */
  String condition(Node node) {
    String text = string(node, "if");
    return text == null ? null : unwrapCondition(text);
  }

  /** An {@code if:} condition without its optional {@code ${{ }}} wrapper. */
  static String unwrapCondition(String text) {
    String trimmed = text.strip();
    if (trimmed.startsWith("${{")
        && trimmed.endsWith("}}")
        && trimmed.indexOf("${{", 3) < 0
        && trimmed.indexOf("}}") == trimmed.length() - 2) {
      return trimmed.substring(3, trimmed.length() - 2).strip();
    }
    return trimmed;
  }

  // ---- sections shared by the workflow and its jobs ----

  RunDefaults defaults(Node node, String where) {
    MappingNode mapping = mapping(node, "defaults");
    if (mapping == null) {
      return RunDefaults.NONE;
    }
    Fields defaults = fields(mapping, DEFAULTS_KEYS, "'defaults' of " + where);
    MappingNode run = mapping(defaults.value("run"), "defaults.run");
    if (run == null) {
      return RunDefaults.NONE;
    }
    Fields fields = fields(run, RUN_DEFAULTS_KEYS, "'defaults.run' of " + where);
    return new RunDefaults(
        string(fields.value("shell"), "shell"),
        string(fields.value("working-directory"), "working-directory"));
  }

  Concurrency concurrency(Node node, String where) {
    if (isNull(node)) {
      return null;
    }
    if (node instanceof ScalarNode s) {
      return new Concurrency(text(s), null);
    }
    if (!(node instanceof MappingNode mapping)) {
      diagnostics.error(node, "'concurrency' must be a string or a mapping, not " + kind(node));
      return null;
    }
    Fields fields = fields(mapping, CONCURRENCY_KEYS, "'concurrency' of " + where);
    String group = string(fields.value("group"), "concurrency.group");
    if (group == null) {
      diagnostics.error(node, "'concurrency' of " + where + " is missing 'group'");
    }
    return new Concurrency(
        group,
        booleanOrExpression(fields.value("cancel-in-progress"), "concurrency.cancel-in-progress"));
  }

  // ---- plain values ----

  /** A node as plain Java: String, Long, Double, Boolean, null, List, Map (merge keys applied). */
  Object plain(Node node) {
    if (node == null) {
      return null;
    }
    if (node instanceof ScalarNode s) {
      return scalar(s);
    }
    if (!converting.add(node)) {
      diagnostics.error(node, "an alias refers to the collection that contains it");
      return null;
    }
    try {
      if (node instanceof SequenceNode seq) {
        List<Object> list = new ArrayList<>();
        for (Node item : seq.getValue()) {
          list.add(plain(item));
        }
        return Collections.unmodifiableList(list);
      }
      Map<String, Object> map = new LinkedHashMap<>();
      entries((MappingNode) node).forEach((k, v) -> map.put(k, plain(v.getValueNode())));
      return Collections.unmodifiableMap(map);
    } finally {
      converting.remove(node);
    }
  }

  /** A plain mapping value, or an empty map when absent or not a mapping (reported). */
  Map<String, Object> plainMap(Node node, String what) {
    MappingNode mapping = mapping(node, what);
    if (mapping == null) {
      return Map.of();
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> map = (Map<String, Object>) plain(mapping);
    return map;
  }

  /** A YAML 1.2 core-schema scalar as Java. */
  static Object scalar(ScalarNode node) {
    Tag tag = node.getTag();
    String value = node.getValue();
    if (Tag.NULL.equals(tag)) {
      return null;
    }
    if (Tag.BOOL.equals(tag)) {
      return Boolean.valueOf(value.equalsIgnoreCase("true"));
    }
    if (Tag.INT.equals(tag)) {
      return integer(value);
    }
    if (Tag.FLOAT.equals(tag)) {
      return floating(value);
    }
    return value;
  }

  /** The text GitHub gives a scalar: {@code 3.10} is "3.1", {@code 0x1F} is "31", null is "". */
  static String text(ScalarNode node) {
    return Tag.STR.equals(node.getTag()) ? node.getValue() : YamlValues.text(scalar(node));
  }

  private static Object integer(String value) {
    String digits = value.startsWith("+") ? value.substring(1) : value;
    BigInteger number;
    if (digits.startsWith("0x")) {
      number = new BigInteger(digits.substring(2), 16);
    } else if (digits.startsWith("0o")) {
      number = new BigInteger(digits.substring(2), 8);
    } else {
      number = new BigInteger(digits);
    }
    return number.bitLength() < 64 ? (Object) number.longValue() : number.doubleValue();
  }

  private static Double floating(String value) {
    String lower = value.toLowerCase();
    return switch (lower) {
      case ".nan" -> Double.NaN;
      case ".inf", "+.inf" -> Double.POSITIVE_INFINITY;
      case "-.inf" -> Double.NEGATIVE_INFINITY;
      default -> Double.valueOf(value);
    };
  }
}
