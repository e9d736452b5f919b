package dev.pipewright.parser;

import dev.pipewright.parser.spec.WorkflowSpec;
import java.util.Optional;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.api.lowlevel.Parse;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.schema.CoreSchema;

/**
 * Workflow YAML → {@link WorkflowSpec}, validated. Reads YAML 1.2 with the core schema, so {@code
 * on} is a key (not YAML 1.1's boolean true) and {@code yes}/{@code no} stay strings. Stateless and
 * thread-safe: each call works on its own state.
 */
public final class WorkflowParser {

  /**
   * Parses and validates one workflow file.
   *
   * @param path the file name used in the spec and in every diagnostic
   * @throws WorkflowException with every problem found, in file order
   */
  public WorkflowSpec parse(String yaml, String path) {
    Diagnostics diagnostics = new Diagnostics(path);
    Node root = compose(yaml, path, diagnostics);
    WorkflowSpec spec = null;
    if (root == null && diagnostics.isEmpty()) {
      diagnostics.error(1, 1, "the workflow file is empty", null);
    } else if (root != null) {
      NodeReader reader = new NodeReader(diagnostics);
      spec = new WorkflowReader(path, reader).read(root);
      new ExpressionChecker(reader, new SourceText(yaml)).check(root);
    }
    if (!diagnostics.isEmpty()) {
      throw new WorkflowException(diagnostics.sorted());
    }
    return spec;
  }

  private static Node compose(String yaml, String path, Diagnostics diagnostics) {
    LoadSettings settings =
        LoadSettings.builder().setLabel(path).setSchema(new CoreSchema()).build();
    try {
      if (!MergeKeyCheck.check(new Parse(settings).parseString(yaml), diagnostics)) {
        return null;
      }
      Optional<Node> root = new Compose(settings).composeString(yaml);
      return root.orElse(null);
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
