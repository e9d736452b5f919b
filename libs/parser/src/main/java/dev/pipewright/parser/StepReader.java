package dev.pipewright.parser;

import dev.pipewright.parser.spec.ActionRef;
import dev.pipewright.parser.spec.StepSpec;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/** A job's {@code steps:}, or a composite action's ({@code runs.steps}). */
final class StepReader {
  private static final List<String> STEP_KEYS =
      List.of(
          "id",
          "name",
          "if",
          "run",
          "uses",
          "with",
          "env",
          "shell",
          "working-directory",
          "timeout-minutes",
          "continue-on-error");

  private final NodeReader reader;
  private final Diagnostics diagnostics;
  private final String owner;

  /**
   * @param owner what holds the steps, in messages: {@code job} or {@code action}
   */
  StepReader(NodeReader reader, String owner) {
    this.reader = reader;
    this.diagnostics = reader.diagnostics();
    this.owner = owner;
  }

  /** The steps of the job {@code jobId}; a missing or empty list is reported at the job's key. */
  List<StepSpec> read(Fields job, String jobId, Node jobKey) {
    if (!job.has("steps")) {
      diagnostics.error(
          jobKey,
          owner + " '" + jobId + "' has no 'steps'",
          "add 'steps:' with at least one 'run' or 'uses' step");
      return List.of();
    }
    SequenceNode seq = reader.sequence(job.value("steps"), "steps");
    if (seq == null || seq.getValue().isEmpty()) {
      if (NodeReader.isNull(job.value("steps")) || job.value("steps") instanceof SequenceNode) {
        diagnostics.error(job.key("steps"), owner + " '" + jobId + "' has an empty 'steps' list");
      }
      return List.of();
    }
    List<StepSpec> steps = new ArrayList<>();
    Map<String, Node> ids = new HashMap<>();
    List<Node> items = seq.getValue();
    for (int i = 0; i < items.size(); i++) {
      MappingNode mapping = reader.mapping(items.get(i), "steps[" + i + "]");
      if (mapping == null) {
        if (NodeReader.isNull(items.get(i))) {
          diagnostics.error(
              items.get(i), "step " + (i + 1) + " of " + owner + " '" + jobId + "' is empty");
        }
        continue;
      }
      steps.add(step(i, mapping, jobId, ids));
    }
    return Collections.unmodifiableList(steps);
  }

  private StepSpec step(int index, MappingNode mapping, String jobId, Map<String, Node> ids) {
    String where = "step " + (index + 1) + " of " + owner + " '" + jobId + "'";
    Fields f = reader.fields(mapping, STEP_KEYS, where);
    String id = reader.string(f.value("id"), "id");
    if (id != null) {
      if (!JobReader.ID.matcher(id).matches() && !NodeReader.isExpression(id)) {
        diagnostics.error(f.value("id"), "invalid step id '" + id + "'", JobReader.ID_HINT);
      }
      Node first = ids.putIfAbsent(id, f.value("id"));
      if (first != null) {
        diagnostics.error(
            f.value("id"),
            "duplicate step id '" + id + "' in " + owner + " '" + jobId + "'",
            "'" + id + "' is first used at line " + diagnostics.pos(first).line());
      }
    }
    String run = reader.string(f.value("run"), "run");
    String uses = reader.string(f.value("uses"), "uses");
    if (f.has("run") && f.has("uses")) {
      diagnostics.error(
          mapping,
          where + " has both 'run' and 'uses'",
          "a step either runs a script ('run') or an action ('uses'); split it into two steps");
    } else if (!f.has("run") && !f.has("uses")) {
      diagnostics.error(
          mapping,
          where + " has neither 'run' nor 'uses'",
          "add 'run: <script>' or 'uses: <owner>/<repo>@<ref>'");
    }
    if (uses != null && !NodeReader.isExpression(uses) && ActionRef.tryParse(uses).isEmpty()) {
      diagnostics.error(
          f.value("uses"),
          "invalid action reference '" + uses + "'",
          "expected '{owner}/{repo}[/path]@{ref}', './{path}' or 'docker://{image}[:{tag}|@{digest}]'");
    }
    return new StepSpec(
        index,
        id,
        reader.string(f.value("name"), "name"),
        reader.condition(f.value("if")),
        run,
        uses,
        reader.stringMap(f.value("with"), "with"),
        reader.stringMap(f.value("env"), "env"),
        reader.string(f.value("shell"), "shell"),
        reader.string(f.value("working-directory"), "working-directory"),
        reader.numberOrExpression(f.value("timeout-minutes"), "timeout-minutes"),
        reader.booleanOrExpression(f.value("continue-on-error"), "continue-on-error"),
        diagnostics.pos(mapping),
        diagnostics.pos(f.key("uses")));
  }
}
