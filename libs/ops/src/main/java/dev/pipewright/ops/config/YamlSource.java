package dev.pipewright.ops.config;

import dev.pipewright.text.Suggestions;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/**
 * Reads a config file into raw values by YAML path. The file is composed to nodes, not constructed
 * to Java objects, so every value and every bad key keeps its line and column.
 */
final class YamlSource {
  private final String name;
  private final Map<String, Set<String>> children = new LinkedHashMap<>();
  private final Map<String, Setting<?>> leaves = new LinkedHashMap<>();
  private final Map<String, RawValue> values = new LinkedHashMap<>();
  private final List<String> problems = new ArrayList<>();

  private YamlSource(String name, List<Setting<?>> settings) {
    this.name = name;
    for (Setting<?> s : settings) {
      leaves.put(s.path(), s);
      String[] parts = s.path().split("\\.");
      String prefix = "";
      for (String part : parts) {
        children.computeIfAbsent(prefix, k -> new LinkedHashSet<>()).add(part);
        prefix = prefix.isEmpty() ? part : prefix + "." + part;
      }
    }
  }

  /**
   * @param name how errors name the file, e.g. {@code config.yaml}
   * @param problems receives one line per problem, located {@code name:line:column}
   * @return the values found, by YAML path
   */
  static Map<String, RawValue> read(
      String name, String yaml, List<Setting<?>> settings, List<String> problems) {
    YamlSource source = new YamlSource(name, settings);
    source.parse(yaml);
    problems.addAll(source.problems);
    return source.values;
  }

  private void parse(String yaml) {
    Optional<Node> root;
    try {
      root = new Compose(LoadSettings.builder().setLabel(name).build()).composeString(yaml);
    } catch (MarkedYamlEngineException e) {
      problems.add(at(e.getProblemMark()) + "invalid YAML: " + e.getProblem());
      return;
    } catch (YamlEngineException e) {
      problems.add(name + ": invalid YAML: " + e.getMessage());
      return;
    }
    if (root.isEmpty() || isNull(root.get())) {
      return;
    }
    if (!(root.get() instanceof MappingNode mapping)) {
      problems.add(at(root.get().getStartMark()) + "expected a mapping of settings at the top");
      return;
    }
    section("", mapping);
  }

  private void section(String prefix, MappingNode mapping) {
    Set<String> seen = new HashSet<>();
    for (NodeTuple tuple : mapping.getValue()) {
      Node keyNode = tuple.getKeyNode();
      Node valueNode = tuple.getValueNode();
      if (!(keyNode instanceof ScalarNode keyScalar)) {
        problems.add(at(keyNode.getStartMark()) + "expected a key name");
        continue;
      }
      String key = keyScalar.getValue();
      String path = prefix.isEmpty() ? key : prefix + "." + key;
      if (!seen.add(key)) {
        problems.add(at(keyNode.getStartMark()) + "duplicate key '" + path + "'");
        continue;
      }
      Setting<?> leaf = leaves.get(path);
      if (leaf != null) {
        value(path, leaf, valueNode);
      } else if (children.containsKey(path)) {
        if (valueNode instanceof MappingNode nested) {
          section(path, nested);
        } else if (!isNull(valueNode)) {
          problems.add(at(valueNode.getStartMark()) + path + ": expected a mapping of settings");
        }
      } else {
        problems.add(at(keyNode.getStartMark()) + unknownKey(prefix, key));
      }
    }
  }

  private void value(String path, Setting<?> setting, Node node) {
    String origin = at(node.getStartMark()) + path;
    if (node instanceof ScalarNode scalar) {
      values.put(path, RawValue.scalar(isNull(node) ? "" : scalar.getValue(), origin));
    } else if (node instanceof MappingNode mapping) {
      Map<String, String> entries = new LinkedHashMap<>();
      for (NodeTuple tuple : mapping.getValue()) {
        if (tuple.getKeyNode() instanceof ScalarNode k
            && tuple.getValueNode() instanceof ScalarNode v) {
          entries.put(k.getValue(), v.getValue());
        } else {
          problems.add(at(tuple.getKeyNode().getStartMark()) + path + ": expected key: value");
        }
      }
      values.put(path, new RawValue(null, entries, origin));
    } else if (node instanceof SequenceNode) {
      problems.add(origin + ": expected a single value, got a list");
    }
  }

  private String unknownKey(String prefix, String key) {
    String shown = prefix.isEmpty() ? key : prefix + "." + key;
    String message = "unknown key '" + shown + "'";
    String suggestion = Suggestions.closest(key, children.getOrDefault(prefix, Set.of()));
    if (suggestion == null) {
      return message;
    }
    String meant = prefix.isEmpty() ? suggestion : prefix + "." + suggestion;
    return message + " (did you mean '" + meant + "'?)";
  }

  private static boolean isNull(Node node) {
    return node instanceof ScalarNode s
        && (node.getTag().getValue().endsWith(":null") || s.getValue().isEmpty());
  }

  private String at(Optional<Mark> mark) {
    return mark.map(m -> name + ":" + (m.getLine() + 1) + ":" + (m.getColumn() + 1) + ": ")
        .orElse(name + ": ");
  }
}
