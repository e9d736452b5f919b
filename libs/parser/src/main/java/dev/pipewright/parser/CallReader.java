package dev.pipewright.parser;

import dev.pipewright.parser.spec.WorkflowCall;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.ScalarNode;

/**
 * {@code on.workflow_call}: typed inputs, secrets and outputs, as GitHub's workflow syntax
 * describes them ("on.workflow_call.inputs.&lt;input_id&gt;.type: Required ... must be one of:
 * boolean, number, or string"; "on.workflow_call.outputs.&lt;output_id&gt;.value").
 */
final class CallReader {
  static final String EVENT = "workflow_call";
  private static final List<String> CALL_KEYS = List.of("inputs", "secrets", "outputs");
  private static final List<String> INPUT_KEYS =
      List.of("description", "type", "required", "default");
  private static final List<String> SECRET_KEYS = List.of("description", "required");
  private static final List<String> OUTPUT_KEYS = List.of("description", "value");
  private static final List<String> TYPES =
      Arrays.stream(WorkflowCall.Type.values()).map(WorkflowCall.Type::text).toList();

  private final NodeReader reader;
  private final Diagnostics diagnostics;

  CallReader(NodeReader reader) {
    this.reader = reader;
    this.diagnostics = reader.diagnostics();
  }

  /**
   * @param node the value of {@code workflow_call} (null when written without one)
   * @param at where {@code workflow_call} is written
   */
  WorkflowCall read(Node node, Node at) {
    Map<String, WorkflowCall.Input> inputs = new LinkedHashMap<>();
    Map<String, WorkflowCall.Secret> secrets = new LinkedHashMap<>();
    Map<String, WorkflowCall.Output> outputs = new LinkedHashMap<>();
    MappingNode mapping = reader.mapping(node, "on." + EVENT);
    if (mapping != null) {
      Fields f = reader.fields(mapping, CALL_KEYS, "'on." + EVENT + "'");
      each(f.value("inputs"), "inputs", (id, value) -> input(id, value, inputs));
      each(f.value("secrets"), "secrets", (id, value) -> secret(id, value, secrets));
      each(f.value("outputs"), "outputs", (id, value) -> output(id, value, outputs));
    }
    return new WorkflowCall(inputs, secrets, outputs, diagnostics.pos(at));
  }

  private interface Entry {
    void read(String id, Node value);
  }

  private void each(Node node, String what, Entry entry) {
    MappingNode mapping = reader.mapping(node, "on." + EVENT + "." + what);
    if (mapping == null) {
      return;
    }
    reader.entries(mapping).forEach((id, tuple) -> entry.read(id, tuple.getValueNode()));
  }

  private void input(String id, Node node, Map<String, WorkflowCall.Input> inputs) {
    String where = "input '" + id + "'";
    MappingNode mapping = reader.mapping(node, "on." + EVENT + ".inputs." + id);
    if (mapping == null) {
      return;
    }
    Fields f = reader.fields(mapping, INPUT_KEYS, where);
    String typeText = reader.string(f.value("type"), where + ".type");
    WorkflowCall.Type type = null;
    if (typeText == null) {
      diagnostics.error(node, where + " is missing 'type'", "one of " + String.join(", ", TYPES));
    } else if (!TYPES.contains(typeText)) {
      diagnostics.error(
          f.value("type"),
          where + " has unknown type '" + typeText + "'",
          "one of " + String.join(", ", TYPES));
    } else {
      type = WorkflowCall.Type.valueOf(typeText.toUpperCase(Locale.ROOT));
    }
    boolean required = bool(f.value("required"), where + ".required");
    Object defaultValue = f.value("default") instanceof ScalarNode s ? NodeReader.scalar(s) : null;
    if (f.has("default") && !(f.value("default") instanceof ScalarNode)) {
      diagnostics.error(f.value("default"), where + " has a default that is not a scalar");
    }
    if (type != null) {
      WorkflowCall.Input input =
          new WorkflowCall.Input(id, type, required, defaultValue, diagnostics.pos(node));
      String refused =
          defaultValue == null || isExpression(defaultValue) ? null : input.refuses(defaultValue);
      if (refused != null) {
        diagnostics.error(f.value("default"), "the default of " + refused);
      }
      inputs.put(id, input);
    }
  }

  private void secret(String id, Node node, Map<String, WorkflowCall.Secret> secrets) {
    boolean required = false;
    if (!NodeReader.isNull(node)) {
      MappingNode mapping = reader.mapping(node, "on." + EVENT + ".secrets." + id);
      if (mapping != null) {
        Fields f = reader.fields(mapping, SECRET_KEYS, "secret '" + id + "'");
        required = bool(f.value("required"), "secret '" + id + "'.required");
      }
    }
    secrets.put(id, new WorkflowCall.Secret(id, required, diagnostics.pos(node)));
  }

  private void output(String id, Node node, Map<String, WorkflowCall.Output> outputs) {
    MappingNode mapping = reader.mapping(node, "on." + EVENT + ".outputs." + id);
    if (mapping == null) {
      return;
    }
    Fields f = reader.fields(mapping, OUTPUT_KEYS, "output '" + id + "'");
    String value = reader.string(f.value("value"), "output '" + id + "'.value");
    if (value == null) {
      diagnostics.error(
          node,
          "output '" + id + "' is missing 'value'",
          "e.g. 'value: ${{ jobs.<job_id>.outputs.<output_name> }}'");
      return;
    }
    outputs.put(id, new WorkflowCall.Output(id, value, diagnostics.pos(node)));
  }

  private boolean bool(Node node, String what) {
    String text = reader.booleanOrExpression(node, what);
    return "true".equals(text);
  }

  private static boolean isExpression(Object value) {
    return value instanceof String s && NodeReader.isExpression(s);
  }
}
