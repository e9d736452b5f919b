package dev.pipewright.parser;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.snakeyaml.engine.v2.events.AliasEvent;
import org.snakeyaml.engine.v2.events.CollectionEndEvent;
import org.snakeyaml.engine.v2.events.Event;
import org.snakeyaml.engine.v2.events.MappingStartEvent;
import org.snakeyaml.engine.v2.events.NodeEvent;
import org.snakeyaml.engine.v2.events.ScalarEvent;
import org.snakeyaml.engine.v2.events.SequenceStartEvent;
import org.snakeyaml.engine.v2.parser.Parser;

/**
 * Checks merge keys on their way from the parser to the composer. The composer applies {@code <<}
 * merge keys itself, but it never returns on a mapping that merges itself ({@code a: &a {<<: *a}})
 * and reports a bad merge value at the end of the file; both are caught here with their real
 * position, and composing stops before the composer sees the bad event. Checking in the same pass
 * as composing reads the text once, which matters for very large files.
 */
final class MergeKeyCheck extends CheckedEvents {

  private enum Kind {
    SCALAR,
    MAPPING,
    SEQUENCE
  }

  /** One open collection; for a mapping, whether the next node is a key. */
  private static final class Frame {
    final Kind kind;
    final String anchor;
    final boolean mergeList;
    boolean expectKey = true;
    boolean mergeValueNext;

    Frame(Kind kind, String anchor, boolean mergeList) {
      this.kind = kind;
      this.anchor = anchor;
      this.mergeList = mergeList;
    }
  }

  private final Diagnostics diagnostics;
  private final Map<String, Kind> anchors = new HashMap<>();
  private final Set<String> open = new HashSet<>();
  private final Deque<Frame> frames = new ArrayDeque<>();
  private boolean safe = true;
  private boolean draining;

  /** Checks the events of {@code parser}, reporting problems to {@code diagnostics}. */
  MergeKeyCheck(Parser parser, Diagnostics diagnostics) {
    super(parser);
    this.diagnostics = diagnostics;
  }

  @Override
  void check(Event event) {
    accept(event);
    if (!safe && !draining) {
      throw new Stop();
    }
  }

  /**
   * Checks the rest of the stream without composing it, so every merge problem is reported; stops
   * early when another check stops the stream.
   */
  void drain() {
    draining = true;
    try {
      while (hasNext()) {
        next();
      }
    } catch (Stop stop) {
      // Thrown by an inner check, which reported why; nothing after it is read.
    }
  }

  private void accept(Event event) {
    if (event instanceof CollectionEndEvent) {
      Frame closed = frames.pop();
      if (closed.anchor != null) {
        open.remove(closed.anchor);
      }
      return;
    }
    if (!(event instanceof NodeEvent node)) {
      return;
    }
    boolean mergeValue = role(node);
    String anchor = node.getAnchor().map(a -> a.getValue()).orElse(null);
    switch (node) {
      case AliasEvent alias -> alias(alias, mergeValue);
      case ScalarEvent scalar -> {
        if (mergeValue) {
          badMerge(scalar, "a scalar");
        }
        remember(anchor, Kind.SCALAR);
      }
      case MappingStartEvent m -> open(anchor, Kind.MAPPING, false);
      case SequenceStartEvent s -> {
        if (mergeValue && frames.peek() != null && frames.peek().mergeList) {
          badMerge(s, "a sequence");
        }
        open(anchor, Kind.SEQUENCE, mergeValue);
      }
      default -> {}
    }
  }

  /** Advances the enclosing mapping's key/value state; true when this node is merged. */
  private boolean role(NodeEvent node) {
    Frame frame = frames.peek();
    if (frame == null) {
      return false;
    }
    if (frame.kind == Kind.SEQUENCE) {
      return frame.mergeList;
    }
    if (frame.expectKey) {
      frame.expectKey = false;
      frame.mergeValueNext =
          node instanceof ScalarEvent s && s.isPlain() && s.getValue().equals("<<");
      return false;
    }
    frame.expectKey = true;
    boolean merge = frame.mergeValueNext;
    frame.mergeValueNext = false;
    return merge;
  }

  private void alias(AliasEvent alias, boolean mergeValue) {
    String name = alias.getAlias().getValue();
    if (open.contains(name)) {
      diagnostics.error(
          alias.getStartMark(),
          "alias '*" + name + "' refers to a collection that contains it",
          "a workflow cannot be recursive; copy the values instead");
      safe = false;
    } else if (mergeValue && anchors.get(name) != Kind.MAPPING && anchors.containsKey(name)) {
      badMerge(alias, "an alias of " + anchors.get(name).name().toLowerCase());
    }
  }

  private void badMerge(NodeEvent at, String what) {
    diagnostics.error(
        at.getStartMark(),
        "a merge key ('<<') needs a mapping or a list of mappings, not " + what,
        "write '<<: *anchor' where '&anchor' names a mapping");
    safe = false;
  }

  private void open(String anchor, Kind kind, boolean mergeList) {
    remember(anchor, kind);
    if (anchor != null) {
      open.add(anchor);
    }
    frames.push(new Frame(kind, anchor, mergeList));
  }

  private void remember(String anchor, Kind kind) {
    if (anchor != null) {
      anchors.put(anchor, kind);
    }
  }
}
