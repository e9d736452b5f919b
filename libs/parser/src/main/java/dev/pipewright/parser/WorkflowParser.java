package dev.pipewright.parser;

import dev.pipewright.parser.spec.WorkflowSpec;
import java.util.Optional;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.composer.Composer;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.parser.ParserImpl;
import org.snakeyaml.engine.v2.scanner.StreamReader;

/**
 * Workflow YAML → {@link WorkflowSpec}, validated. Reads YAML 1.2 with the core schema, so {@code
 * on} is a key (not YAML 1.1's boolean true) and {@code yes}/{@code no} stay strings. Stateless and
 * thread-safe: each call works on its own state.
 */
public final class WorkflowParser {

  private final WorkflowLimits limits;

  public WorkflowParser() {
    this(WorkflowLimits.DEFAULT);
  }

  /** A parser with other limits, so tests need not build texts at the real ones. */
  WorkflowParser(WorkflowLimits limits) {
    this.limits = limits;
  }

  /**
   * Parses and validates one workflow file.
   *
   * @param path the file name used in the spec and in every diagnostic
   * @throws WorkflowException with every problem found, in file order
   */
  public WorkflowSpec parse(String yaml, String path) {
    Diagnostics diagnostics = new Diagnostics(path, limits.errors());
    Node root = compose(yaml, path, diagnostics);
    WorkflowSpec spec = null;
    if (root == null && diagnostics.isEmpty()) {
      diagnostics.error(1, 1, "the workflow file is empty", null);
    } else if (root != null) {
      NodeReader reader = new NodeReader(diagnostics);
      spec = new WorkflowReader(path, reader).read(root);
      new ExpressionChecker(diagnostics, new SourceText(yaml)).check(root);
    }
    if (!diagnostics.isEmpty()) {
      throw new WorkflowException(diagnostics.sorted());
    }
    return spec;
  }

  /** The checked node tree of a YAML text (the action manifest reads it too); null on errors. */
  Node compose(String yaml, String path, Diagnostics diagnostics) {
    // A text is refused before any YAML is read, so a parse never holds more than the text and a
    // bounded node tree. Counting UTF-8 bytes costs a pass, so only texts that may be over the
    // limit pay it: a char is at most 3 bytes (a surrogate pair is 4 bytes for 2 chars).
    if ((long) yaml.length() * 3 > limits.documentBytes()) {
      var tooLarge = limits.documentSize(path, utf8Length(yaml));
      if (tooLarge.isPresent()) {
        diagnostics.add(tooLarge.get());
        return null;
      }
    }
    LoadSettings settings =
        LoadSettings.builder()
            .setLabel(path)
            .setSchema(new WorkflowSchema())
            // Never reached (a code point is at least one byte), but SnakeYAML's default of 3 Mi
            // is below the document limit.
            .setCodePointLimit(limits.documentBytes() + 1)
            // LimitCheck counts every alias with what it expands to, which refuses alias bombs
            // while any number of plain anchors pass; SnakeYAML's own cap of 50 aliases refused
            // real workflows.
            .setMaxAliasesForCollections(Integer.MAX_VALUE)
            // SnakeYAML copies its whole look-ahead window each time it reads a buffer, which is
            // quadratic in the length of a line (a 4 Mi comment took minutes with the default of
            // 1 Ki), and each mark keeps the window it was taken from. Reading the text in one
            // buffer (the document limit bounds it) copies it once and lets every mark share one
            // array.
            .setBufferSize(Math.max(1, yaml.length()))
            .build();
    LimitCheck limited =
        new LimitCheck(
            new ParserImpl(settings, new StreamReader(settings, yaml)), limits, diagnostics);
    MergeKeyCheck checked = new MergeKeyCheck(limited, diagnostics);
    try {
      return composeChecked(settings, checked);
    } catch (MarkedYamlEngineException e) {
      Optional<org.snakeyaml.engine.v2.exceptions.Mark> where =
          e.getProblemMark().isPresent() ? e.getProblemMark() : e.getContextMark();
      String hint = null;
      if (e.getContext() != null
          && e.getContextMark().isPresent()
          && e.getProblemMark().isPresent()) {
        hint = context(e);
      }
      diagnostics.error(where, "YAML syntax: " + problem(e), hint);
      return null;
    } catch (YamlEngineException e) {
      diagnostics.error(1, 1, "YAML syntax: " + e.getMessage(), null);
      return null;
    }
  }

  /** The root node, or null when a check stopped composing (merge keys are still all checked). */
  private static Node composeChecked(LoadSettings settings, MergeKeyCheck checked) {
    try {
      return new Composer(settings, checked).getSingleNode().orElse(null);
    } catch (CheckedEvents.Stop e) {
      checked.drain();
      return null;
    }
  }

  /** The length of {@code text} in UTF-8, without encoding it. */
  static long utf8Length(String text) {
    long bytes = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < 0x80) {
        bytes++;
      } else if (c < 0x800 || Character.isSurrogate(c)) {
        // A surrogate pair is 4 bytes: 2 for each half.
        bytes += 2;
      } else {
        bytes += 3;
      }
    }
    return bytes;
  }

  private static String problem(MarkedYamlEngineException e) {
    String problem = e.getProblem() != null ? e.getProblem() : e.getContext();
    return problem == null ? "invalid YAML" : problem.strip();
  }

  private static String context(MarkedYamlEngineException e) {
    var mark = e.getContextMark().orElseThrow();
    return e.getContext().strip()
        + " that starts at line "
        + (mark.getLine() + 1)
        + ", column "
        + (mark.getColumn() + 1);
  }
}
