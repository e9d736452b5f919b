package dev.pipewright.parser;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.snakeyaml.engine.v2.events.AliasEvent;
import org.snakeyaml.engine.v2.events.CollectionEndEvent;
import org.snakeyaml.engine.v2.events.CollectionStartEvent;
import org.snakeyaml.engine.v2.events.Event;
import org.snakeyaml.engine.v2.events.NodeEvent;
import org.snakeyaml.engine.v2.events.ScalarEvent;
import org.snakeyaml.engine.v2.parser.Parser;

/**
 * Enforces {@link WorkflowLimits} on the YAML events, before the composer builds a node past them:
 * nesting depth, value count and text size with aliases expanded, and the length of each value.
 * SnakeYAML has no depth limit (its composer recurses once per level, so a deep document overflows
 * the stack) and only caps the number of aliases, which refuses real workflows with many anchors
 * while one alias of a large anchor passes. Here each anchor remembers what it holds, and each
 * alias counts all of it again where it is used. The first limit crossed is reported at the event
 * that crossed it, and the stream ends there.
 */
final class LimitCheck extends CheckedEvents {

  /** What an anchored node holds: its values, characters and levels of nesting. */
  private record Size(long nodes, long chars, int height) {
    static final Size ONE = new Size(1, 0, 0);
  }

  /** One open collection: the totals when it opened, its anchor, its tallest child so far. */
  private static final class Frame {
    final String anchor;
    final long nodesBefore;
    final long charsBefore;
    int childHeight;

    Frame(String anchor, long nodesBefore, long charsBefore) {
      this.anchor = anchor;
      this.nodesBefore = nodesBefore;
      this.charsBefore = charsBefore;
    }
  }

  private final WorkflowLimits limits;
  private final Diagnostics diagnostics;
  private final Map<String, Size> anchors = new HashMap<>();
  private final Deque<Frame> frames = new ArrayDeque<>();
  private long nodes;
  private long chars;
  private boolean exceeded;

  LimitCheck(Parser parser, WorkflowLimits limits, Diagnostics diagnostics) {
    super(parser);
    this.limits = limits;
    this.diagnostics = diagnostics;
  }

  /** No event follows one that crossed a limit. */
  @Override
  public boolean hasNext() {
    return !exceeded && super.hasNext();
  }

  @Override
  void check(Event event) {
    switch (event) {
      case ScalarEvent scalar -> scalar(scalar);
      case CollectionStartEvent start -> open(start);
      case CollectionEndEvent end -> close();
      case AliasEvent alias -> alias(alias);
      default -> {}
    }
  }

  private void scalar(ScalarEvent scalar) {
    String value = scalar.getValue();
    // Counting code points costs a pass, so only values that may be too long pay it.
    if (value.length() > limits.scalarChars()) {
      int codePoints = value.codePointCount(0, value.length());
      if (codePoints > limits.scalarChars()) {
        exceed(
            scalar,
            format(
                "a value of %,d characters is longer than the limit of %,d",
                codePoints, limits.scalarChars()),
            "keep long scripts in a file of the repository and run that file");
      }
    }
    Size size = new Size(1, value.length(), 0);
    add(scalar, size);
    anchor(scalar).ifPresent(name -> anchors.put(name, size));
  }

  private void open(CollectionStartEvent start) {
    Frame frame = new Frame(anchor(start).orElse(null), nodes, chars);
    add(start, Size.ONE);
    if (frame.anchor != null) {
      // Until it closes, the anchor names this collection: an alias inside it is recursive (the
      // merge check reports that) and must not count an earlier node of the same name.
      anchors.remove(frame.anchor);
    }
    frames.push(frame);
    if (frames.size() > limits.depth()) {
      exceed(start, tooDeep(), null);
    }
  }

  private void close() {
    Frame frame = frames.pop();
    int height = frame.childHeight + 1;
    if (frame.anchor != null) {
      anchors.put(
          frame.anchor, new Size(nodes - frame.nodesBefore, chars - frame.charsBefore, height));
    }
    if (!frames.isEmpty()) {
      frames.peek().childHeight = Math.max(frames.peek().childHeight, height);
    }
  }

  private void alias(AliasEvent alias) {
    // An undefined or recursive alias is reported by the composer or the merge check.
    Size size = anchors.getOrDefault(alias.getAlias().getValue(), Size.ONE);
    add(alias, size);
    if (frames.size() + size.height() > limits.depth()) {
      exceed(
          alias,
          tooDeep() + " where alias '*" + alias.getAlias().getValue() + "' is expanded",
          null);
    }
  }

  /** Counts a value (with everything an alias expands to) into its parent and the totals. */
  private void add(NodeEvent at, Size size) {
    nodes += size.nodes();
    chars += size.chars();
    if (!frames.isEmpty()) {
      frames.peek().childHeight = Math.max(frames.peek().childHeight, size.height());
    }
    atMost(at, nodes, limits.nodes(), "values", "every value");
    atMost(at, chars, limits.expandedChars(), "characters of values", "the text");
  }

  /** Refuses a total over its limit; an alias that crossed it is named as the likely cause. */
  private void atMost(NodeEvent at, long total, int limit, String what, String ofAnchor) {
    if (total > limit) {
      exceed(
          at,
          format("the workflow holds more than %,d %s", limit, what),
          at instanceof AliasEvent
              ? "each use of an alias counts " + ofAnchor + " of its anchor again"
              : WorkflowLimits.SPLIT_HINT);
    }
  }

  private String tooDeep() {
    return format("mappings and sequences nest deeper than %,d levels", limits.depth());
  }

  private void exceed(NodeEvent at, String message, String hint) {
    diagnostics.error(at.getStartMark(), message, hint);
    exceeded = true;
    throw new Stop();
  }

  private static Optional<String> anchor(NodeEvent event) {
    return event.getAnchor().map(a -> a.getValue());
  }

  private static String format(String pattern, Object... args) {
    return String.format(Locale.ROOT, pattern, args);
  }
}
