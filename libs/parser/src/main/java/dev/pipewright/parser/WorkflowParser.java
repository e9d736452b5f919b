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

  /**
   * The largest workflow text accepted, in code points (64 Mi, about 6 times a 100,000-job
   * workflow). A larger text is refused with a diagnostic before any YAML is read, so a parse never
   * holds more than a bounded node tree. SnakeYAML's own default (3 Mi) refused realistic generated
   * workflows.
   */
  public static final int MAX_CODE_POINTS = 64 * 1024 * 1024;

  /**
   * The most characters SnakeYAML reads at once. A larger text is read in chunks: a line spanning
   * several chunks is still copied once per chunk, a bounded cost at the size limit.
   */
  private static final int READ_CHUNK = 16 * 1024 * 1024;

  private final int maxCodePoints;

  public WorkflowParser() {
    this(MAX_CODE_POINTS);
  }

  /** A parser with a smaller size limit, so tests need not build a 64 Mi text. */
  WorkflowParser(int maxCodePoints) {
    this.maxCodePoints = maxCodePoints;
  }

  /**
   * Parses and validates one workflow file.
   *
   * @param path the file name used in the spec and in every diagnostic
   * @throws WorkflowException with every problem found, in file order
   */
  public WorkflowSpec parse(String yaml, String path) {
    Diagnostics diagnostics = new Diagnostics(path);
    Node root = compose(yaml, path, diagnostics, maxCodePoints);
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

  private static Node compose(
      String yaml, String path, Diagnostics diagnostics, int maxCodePoints) {
    // Counting code points costs a pass over the text, so only texts that may be too long pay it.
    if (yaml.length() > maxCodePoints) {
      int codePoints = yaml.codePointCount(0, yaml.length());
      if (codePoints > maxCodePoints) {
        diagnostics.error(
            1,
            1,
            "the workflow file is too large: "
                + codePoints
                + " characters, the limit is "
                + maxCodePoints,
            "split it into several workflows, or move jobs into reusable workflows ('uses:')");
        return null;
      }
    }
    LoadSettings settings =
        LoadSettings.builder()
            .setLabel(path)
            .setSchema(new WorkflowSchema())
            // SnakeYAML refuses a document of the limit itself, hence the one extra code point.
            .setCodePointLimit(maxCodePoints + 1)
            // SnakeYAML copies its whole look-ahead window each time it reads a buffer, which is
            // quadratic in the length of a line (a 4 Mi comment took minutes with the default of
            // 1 Ki), and each mark keeps the window it was taken from. Reading the text in one
            // buffer (up to READ_CHUNK) copies it once and lets every mark share one array.
            .setBufferSize(Math.max(1, Math.min(yaml.length(), READ_CHUNK)))
            .build();
    MergeKeyCheck checked =
        new MergeKeyCheck(new ParserImpl(settings, new StreamReader(settings, yaml)), diagnostics);
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

  /** The root node, or null when the merge check stopped composing (the rest is still checked). */
  private static Node composeChecked(LoadSettings settings, MergeKeyCheck checked) {
    try {
      return new Composer(settings, checked).getSingleNode().orElse(null);
    } catch (MergeKeyCheck.Unsafe e) {
      checked.drain();
      return null;
    }
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
