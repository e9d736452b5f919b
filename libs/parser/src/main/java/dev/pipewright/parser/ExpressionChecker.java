package dev.pipewright.parser;

import dev.pipewright.expressions.Condition;
import dev.pipewright.expressions.ExpressionException;
import dev.pipewright.expressions.Template;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;

/**
 * Checks the syntax of every {@code ${{ }}} in the workflow and of every job and step {@code if:},
 * reporting each error at its position inside the scalar. {@code on:} is left alone: GitHub does
 * not evaluate expressions in triggers. A collection shared through an alias is checked once.
 */
final class ExpressionChecker {
  private static final String IF = "if";

  private final Diagnostics diagnostics;
  private final SourceText source;
  private final Set<Node> checked = Collections.newSetFromMap(new IdentityHashMap<>());

  ExpressionChecker(Diagnostics diagnostics, SourceText source) {
    this.diagnostics = diagnostics;
    this.source = source;
  }

  void check(Node root) {
    forEachEntry(
        root,
        (key, value) -> {
          if (key.equals("jobs")) {
            forEachEntry(value, (id, job) -> checkJobOrStep(job, this::checkStep));
          } else if (!key.equals("on")) {
            templates(value);
          }
        });
  }

  private void checkStep(Node steps) {
    if (steps instanceof SequenceNode seq) {
      for (Node step : seq.getValue()) {
        checkJobOrStep(step, this::templates);
      }
    } else {
      templates(steps);
    }
  }

  /** {@code if:} is a condition; {@code steps:} (in a job) goes to {@code steps}. */
  private void checkJobOrStep(Node node, Consumer<Node> steps) {
    forEachEntry(
        node,
        (key, value) -> {
          if (key.equals(IF)) {
            condition(value);
          } else if (key.equals("steps")) {
            steps.accept(value);
          } else {
            templates(value);
          }
        });
  }

  /**
   * Every entry of a mapping with a string key, duplicates included: the reader has reported them,
   * and the expressions of both are checked.
   */
  private void forEachEntry(Node node, BiConsumer<String, Node> action) {
    if (node instanceof MappingNode m) {
      for (NodeTuple tuple : m.getValue()) {
        if (tuple.getKeyNode() instanceof ScalarNode key) {
          action.accept(key.getValue(), tuple.getValueNode());
        }
      }
    } else {
      templates(node);
    }
  }

  private void templates(Node node) {
    // Only collections are remembered: a scalar reached twice costs one more look, and its
    // diagnostic is the same, which Diagnostics drops.
    if (node == null || (!(node instanceof ScalarNode) && !checked.add(node))) {
      return;
    }
    switch (node) {
      case ScalarNode s -> {
        if (Tag.STR.equals(s.getTag()) && s.getValue().contains("${{")) {
          verify(s, () -> Template.parse(s.getValue()));
        }
      }
      case SequenceNode seq -> seq.getValue().forEach(this::templates);
      case MappingNode m -> m.getValue().forEach(t -> templates(t.getValueNode()));
      default -> {}
    }
  }

  private void condition(Node node) {
    if (node instanceof ScalarNode s && Tag.STR.equals(s.getTag())) {
      verify(s, () -> Condition.parse(s.getValue()));
    }
  }

  private void verify(ScalarNode node, Runnable parse) {
    try {
      parse.run();
    } catch (ExpressionException e) {
      int[] at = source.locate(node, e.column() - 1);
      diagnostics.error(at[0], at[1], "invalid expression: " + lowerFirst(e.reason()), null);
    }
  }

  private static String lowerFirst(String reason) {
    if (reason.isEmpty() || !Character.isUpperCase(reason.charAt(0))) {
      return reason;
    }
    return Character.toLowerCase(reason.charAt(0)) + reason.substring(1);
  }
}
