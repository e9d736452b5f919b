package dev.pipewright.parser;

import dev.pipewright.parser.spec.SourcePos;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;

/** The entries of one YAML mapping by key, after merge keys, for readers that know its keys. */
final class Fields {
  private final Node node;
  private final Map<String, NodeTuple> entries;

  Fields(Node node, Map<String, NodeTuple> entries) {
    this.node = node;
    this.entries = entries;
  }

  /** The mapping itself, where problems about a missing key are reported. */
  Node node() {
    return node;
  }

  boolean has(String key) {
    return entries.containsKey(key);
  }

  /** The value node, or null when the key is absent. */
  Node value(String key) {
    NodeTuple tuple = entries.get(key);
    return tuple == null ? null : tuple.getValueNode();
  }

  /** The key node, or the mapping when the key is absent. */
  Node key(String key) {
    NodeTuple tuple = entries.get(key);
    return tuple == null ? node : tuple.getKeyNode();
  }

  Map<String, NodeTuple> entries() {
    return entries;
  }

  /** Where each key written here starts, in source order, for checks made after parsing. */
  Map<String, SourcePos> positions(Diagnostics diagnostics) {
    Map<String, SourcePos> positions = new LinkedHashMap<>();
    entries.forEach((key, tuple) -> positions.put(key, diagnostics.pos(tuple.getKeyNode())));
    return Collections.unmodifiableMap(positions);
  }
}
