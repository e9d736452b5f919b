package dev.pipewright.parser;

import dev.pipewright.parser.spec.SourcePos;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.nodes.Node;

/**
 * Collects every problem of one parse. A node reached twice through an alias reports once: the set
 * drops identical diagnostics.
 */
final class Diagnostics {
  private final String file;
  private final int shown;
  private final Set<Diagnostic> found = new LinkedHashSet<>();

  /**
   * @param shown how many diagnostics {@link #sorted()} returns at most ({@link
   *     WorkflowLimits#errors()})
   */
  Diagnostics(String file, int shown) {
    this.file = file;
    this.shown = shown;
  }

  String file() {
    return file;
  }

  void error(Node at, String message) {
    error(at, message, null);
  }

  void error(Node at, String message, String hint) {
    SourcePos pos = pos(at);
    error(pos.line(), pos.column(), message, hint);
  }

  void error(Optional<Mark> at, String message, String hint) {
    int line = at.map(m -> m.getLine() + 1).orElse(1);
    int column = at.map(m -> m.getColumn() + 1).orElse(1);
    error(line, column, message, hint);
  }

  void error(int line, int column, String message, String hint) {
    add(new Diagnostic(file, line, column, message, hint));
  }

  void add(Diagnostic diagnostic) {
    found.add(diagnostic);
  }

  boolean isEmpty() {
    return found.isEmpty();
  }

  SourcePos pos(Node node) {
    if (node == null) {
      return new SourcePos(file, 1, 1);
    }
    return node.getStartMark()
        .map(m -> new SourcePos(file, m.getLine() + 1, m.getColumn() + 1))
        .orElse(new SourcePos(file, 1, 1));
  }

  /**
   * In file order; problems at the same place keep the order they were found in. Past the first
   * {@code shown}, one last diagnostic counts the others, at the place of the first of them.
   */
  List<Diagnostic> sorted() {
    List<Diagnostic> list = new ArrayList<>(found);
    list.sort(Comparator.comparingInt(Diagnostic::line).thenComparingInt(Diagnostic::column));
    if (list.size() <= shown) {
      return list;
    }
    Diagnostic first = list.get(shown);
    List<Diagnostic> cut = new ArrayList<>(list.subList(0, shown));
    cut.add(
        new Diagnostic(
            file,
            first.line(),
            first.column(),
            String.format(
                Locale.ROOT, "%,d more errors from here on are not shown", list.size() - shown),
            null));
    return cut;
  }
}
