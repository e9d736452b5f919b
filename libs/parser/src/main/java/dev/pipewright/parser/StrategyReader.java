package dev.pipewright.parser;

import dev.pipewright.parser.matrix.MatrixExpander;
import dev.pipewright.parser.spec.MatrixSpec;
import dev.pipewright.parser.spec.StrategySpec;
import dev.pipewright.text.Suggestions;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;

/** {@code strategy:} with its matrix, checked against GitHub's limit of 256 job instances. */
final class StrategyReader {
  /** GitHub refuses a matrix that generates more job instances than this. */
  static final int MAX_COMBINATIONS = 256;

  private static final List<String> STRATEGY_KEYS = List.of("matrix", "fail-fast", "max-parallel");
  private static final long EXPAND_LIMIT = 100_000;
  private static final String INCLUDE = "include";
  private static final String EXCLUDE = "exclude";

  private final NodeReader reader;
  private final Diagnostics diagnostics;

  StrategyReader(NodeReader reader) {
    this.reader = reader;
    this.diagnostics = reader.diagnostics();
  }

  StrategySpec read(Node node, String jobId) {
    MappingNode mapping = reader.mapping(node, "strategy");
    if (mapping == null) {
      return null;
    }
    Fields fields = reader.fields(mapping, STRATEGY_KEYS, "'strategy' of job '" + jobId + "'");
    MatrixSpec matrix = matrix(fields.value("matrix"), jobId);
    return new StrategySpec(
        matrix, failFast(fields.value("fail-fast")), maxParallel(fields.value("max-parallel")));
  }

  private boolean failFast(Node node) {
    if (NodeReader.isNull(node)) {
      return true;
    }
    if (node instanceof ScalarNode s && Tag.BOOL.equals(s.getTag())) {
      return (Boolean) NodeReader.scalar(s);
    }
    diagnostics.error(
        node, "'strategy.fail-fast' must be a boolean, not " + NodeReader.describe(node));
    return true;
  }

  private Integer maxParallel(Node node) {
    if (NodeReader.isNull(node)) {
      return null;
    }
    if (node instanceof ScalarNode s
        && Tag.INT.equals(s.getTag())
        && NodeReader.scalar(s) instanceof Long n
        && n >= 1
        && n <= Integer.MAX_VALUE) {
      return n.intValue();
    }
    diagnostics.error(
        node,
        "'strategy.max-parallel' must be a positive integer, not " + NodeReader.describe(node));
    return null;
  }

  private MatrixSpec matrix(Node node, String jobId) {
    if (NodeReader.isNull(node)) {
      return null;
    }
    if (node instanceof ScalarNode s && NodeReader.isExpression(s.getValue())) {
      return new MatrixSpec(Map.of(), List.of(), List.of(), s.getValue());
    }
    MappingNode mapping = reader.mapping(node, "strategy.matrix");
    if (mapping == null) {
      return null;
    }
    Map<String, List<Object>> axes = new LinkedHashMap<>();
    List<Map<String, Object>> include = List.of();
    List<Map<String, Object>> exclude = List.of();
    String expression = null;
    for (Map.Entry<String, NodeTuple> entry : reader.entries(mapping).entrySet()) {
      String key = entry.getKey();
      Node value = entry.getValue().getValueNode();
      if (value instanceof ScalarNode s && NodeReader.isExpression(s.getValue())) {
        // The axis (or list) arrives at run time; keep its text where its values would be.
        expression = expression != null ? expression : s.getValue();
        if (key.equals(INCLUDE) || key.equals(EXCLUDE)) {
          continue;
        }
        axes.put(key, List.of(s.getValue()));
      } else if (key.equals(INCLUDE)) {
        include = combos(value, "strategy.matrix.include");
      } else if (key.equals(EXCLUDE)) {
        exclude = combos(value, "strategy.matrix.exclude");
      } else {
        axes.put(key, axis(entry.getValue(), key));
      }
    }
    MatrixSpec matrix =
        new MatrixSpec(Collections.unmodifiableMap(axes), include, exclude, expression);
    if (!matrix.dynamic()) {
      checkExcludeKeys(mapping, matrix);
      checkSize(node, matrix, jobId);
    }
    return matrix;
  }

  private List<Object> axis(NodeTuple tuple, String key) {
    Node value = tuple.getValueNode();
    if (!(value instanceof SequenceNode seq)) {
      diagnostics.error(
          value,
          "matrix axis '" + key + "' must be a sequence of values, not " + NodeReader.kind(value),
          "write '" + key + ": [" + preview(value) + "]'");
      return List.of();
    }
    if (seq.getValue().isEmpty()) {
      diagnostics.error(value, "matrix axis '" + key + "' has no values");
    }
    @SuppressWarnings("unchecked")
    List<Object> values = (List<Object>) reader.plain(seq);
    return values;
  }

  private static String preview(Node value) {
    return value instanceof ScalarNode s ? s.getValue() : "...";
  }

  private List<Map<String, Object>> combos(Node node, String what) {
    SequenceNode seq = reader.sequence(node, what);
    if (seq == null) {
      return List.of();
    }
    List<Map<String, Object>> out = new ArrayList<>();
    for (Node item : seq.getValue()) {
      if (item instanceof MappingNode m) {
        Map<String, Object> combo = reader.plainMap(m, what);
        if (combo.isEmpty()) {
          // GitHub refuses it too: an empty exclude would remove every combination.
          diagnostics.error(
              item, "an entry of '" + what + "' is empty", "give it at least one key");
        }
        out.add(combo);
      } else {
        diagnostics.error(
            item, "each entry of '" + what + "' must be a mapping, not " + NodeReader.kind(item));
      }
    }
    return Collections.unmodifiableList(out);
  }

  /** GitHub rejects an exclude that names a key the matrix does not have (usually a typo). */
  private void checkExcludeKeys(MappingNode mapping, MatrixSpec matrix) {
    if (matrix.exclude().isEmpty()) {
      return;
    }
    Node excludeNode = reader.entries(mapping).get(EXCLUDE).getValueNode();
    List<Node> items = ((SequenceNode) excludeNode).getValue();
    List<String> known = new ArrayList<>(matrix.axes().keySet());
    for (Node item : items) {
      if (!(item instanceof MappingNode m)) {
        continue;
      }
      for (NodeTuple tuple : reader.entries(m).values()) {
        String key = ((ScalarNode) tuple.getKeyNode()).getValue();
        if (!known.contains(key)) {
          String closest = Suggestions.closest(key, known);
          diagnostics.error(
              tuple.getKeyNode(),
              "matrix exclude key '" + key + "' is not a matrix axis",
              closest != null ? "did you mean '" + closest + "'?" : null);
        }
      }
    }
  }

  private void checkSize(Node node, MatrixSpec matrix, String jobId) {
    long atLeast = MatrixExpander.minimumSize(matrix);
    if (atLeast > EXPAND_LIMIT) {
      tooMany(node, jobId, "at least " + atLeast);
      return;
    }
    long product = 1;
    for (List<Object> values : matrix.axes().values()) {
      product = Math.min(product * Math.max(1, values.size()), EXPAND_LIMIT * EXPAND_LIMIT);
    }
    if (product > EXPAND_LIMIT) {
      // Mostly excluded but still too big to expand safely inside a request.
      diagnostics.error(
          node,
          "matrix of job '"
              + jobId
              + "' has over "
              + EXPAND_LIMIT
              + " combinations before 'exclude'",
          "split the job; the limit is " + MAX_COMBINATIONS + " combinations");
      return;
    }
    int size = MatrixExpander.expand(matrix).size();
    if (size > MAX_COMBINATIONS) {
      tooMany(node, jobId, Integer.toString(size));
    }
  }

  private void tooMany(Node node, String jobId, String count) {
    diagnostics.error(
        node,
        "matrix of job '"
            + jobId
            + "' has "
            + count
            + " combinations; the limit is "
            + MAX_COMBINATIONS,
        "split the job or exclude combinations");
  }
}
