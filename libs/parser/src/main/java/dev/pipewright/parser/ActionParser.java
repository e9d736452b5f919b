package dev.pipewright.parser;

import dev.pipewright.parser.spec.ActionSpec;
import dev.pipewright.parser.spec.StepSpec;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.Tag;

/**
 * An action's manifest ({@code action.yml}) → {@link ActionSpec}, validated with {@code
 * file:line:column} like a workflow (the same YAML limits). Follows actions/runner's
 * ActionManifestManager.cs and its schema {@code action_yaml.json}: {@code runs.using} decides
 * which keys {@code runs} takes; a composite action's {@code run:} steps must name their {@code
 * shell} (GitHub: "Required property is missing: shell"). Stateless and thread-safe.
 */
public final class ActionParser {
  private static final List<String> TOP_KEYS =
      List.of("name", "author", "description", "inputs", "outputs", "runs", "branding");
  private static final List<String> INPUT_KEYS =
      List.of("description", "required", "default", "deprecationMessage");
  private static final List<String> OUTPUT_KEYS = List.of("description", "value");
  private static final List<String> COMPOSITE_KEYS = List.of("using", "steps");
  private static final List<String> NODE_KEYS =
      List.of("using", "main", "pre", "post", "pre-if", "post-if");
  private static final List<String> DOCKER_KEYS =
      List.of(
          "using",
          "image",
          "args",
          "entrypoint",
          "env",
          "pre-entrypoint",
          "post-entrypoint",
          "pre-if",
          "post-if");

  /**
   * @param path the manifest's name in diagnostics ({@code acme/tool@v1/action.yml})
   * @throws WorkflowException with every problem found
   */
  public ActionSpec parse(String yaml, String path) {
    Diagnostics diagnostics = new Diagnostics(path, WorkflowLimits.DEFAULT.errors());
    Node root = new WorkflowParser().compose(yaml, path, diagnostics);
    ActionSpec spec = null;
    if (root == null && diagnostics.isEmpty()) {
      diagnostics.error(1, 1, "the action manifest is empty", null);
    } else if (root != null) {
      spec = read(root, path, new NodeReader(diagnostics));
    }
    if (!diagnostics.isEmpty()) {
      throw new WorkflowException(diagnostics.sorted());
    }
    return spec;
  }

  private static ActionSpec read(Node root, String path, NodeReader reader) {
    Diagnostics diagnostics = reader.diagnostics();
    MappingNode top = reader.mapping(root, "the action manifest");
    if (top == null) {
      return null;
    }
    Fields f = reader.fields(top, TOP_KEYS, "the action manifest");
    Map<String, ActionSpec.Input> inputs = inputs(reader, f.value("inputs"));
    Map<String, ActionSpec.Output> outputs = outputs(reader, f.value("outputs"));
    ActionSpec.Runs runs = null;
    if (!f.has("runs")) {
      diagnostics.error(
          top, "the action has no 'runs'", "add 'runs: {using: composite, steps: …}'");
    } else {
      runs = runs(reader, f.value("runs"), path);
    }
    if (runs != null && runs.composite()) {
      outputs.forEach(
          (name, o) -> {
            if (o.value() == null) {
              diagnostics.error(
                  f.value("outputs"),
                  "output '" + name + "' of a composite action has no 'value'",
                  "add 'value: ${{ steps.<id>.outputs.<name> }}'");
            }
          });
    }
    return new ActionSpec(
        path, reader.string(f.value("name"), "name"), inputs, outputs, runs, diagnostics.pos(top));
  }

  private static Map<String, ActionSpec.Input> inputs(NodeReader reader, Node node) {
    Map<String, ActionSpec.Input> inputs = new LinkedHashMap<>();
    MappingNode mapping = reader.mapping(node, "inputs");
    if (mapping == null) {
      return inputs;
    }
    reader
        .entries(mapping)
        .forEach(
            (name, tuple) -> {
              Node value = tuple.getValueNode();
              MappingNode input = NodeReader.isNull(value) ? null : reader.mapping(value, name);
              Fields f =
                  input == null ? null : reader.fields(input, INPUT_KEYS, "input '" + name + "'");
              inputs.put(
                  name,
                  new ActionSpec.Input(
                      f == null ? null : reader.string(f.value("description"), "description"),
                      f != null && required(reader, f.value("required")),
                      f == null ? null : reader.string(f.value("default"), "default"),
                      reader.diagnostics().pos(tuple.getKeyNode())));
            });
    return inputs;
  }

  /** {@code required:} is a boolean in the schema; the runner reads the string "true" alike. */
  private static boolean required(NodeReader reader, Node node) {
    if (node instanceof ScalarNode s
        && (Tag.BOOL.equals(s.getTag()) || Tag.STR.equals(s.getTag()))) {
      return s.getValue().strip().equalsIgnoreCase("true");
    }
    if (!NodeReader.isNull(node)) {
      reader
          .diagnostics()
          .error(node, "'required' must be a boolean, not " + NodeReader.kind(node));
    }
    return false;
  }

  private static Map<String, ActionSpec.Output> outputs(NodeReader reader, Node node) {
    Map<String, ActionSpec.Output> outputs = new LinkedHashMap<>();
    MappingNode mapping = reader.mapping(node, "outputs");
    if (mapping == null) {
      return outputs;
    }
    for (Map.Entry<String, NodeTuple> e : reader.entries(mapping).entrySet()) {
      Node value = e.getValue().getValueNode();
      MappingNode output = NodeReader.isNull(value) ? null : reader.mapping(value, e.getKey());
      Fields f =
          output == null ? null : reader.fields(output, OUTPUT_KEYS, "output '" + e.getKey() + "'");
      outputs.put(
          e.getKey(),
          new ActionSpec.Output(
              f == null ? null : reader.string(f.value("description"), "description"),
              f == null ? null : reader.string(f.value("value"), "value")));
    }
    return outputs;
  }

  private static ActionSpec.Runs runs(NodeReader reader, Node node, String path) {
    Diagnostics diagnostics = reader.diagnostics();
    MappingNode mapping = reader.mapping(node, "runs");
    if (mapping == null) {
      return null;
    }
    Map<String, NodeTuple> entries = reader.entries(mapping);
    NodeTuple usingTuple = entries.get("using");
    String using =
        usingTuple == null ? null : reader.string(usingTuple.getValueNode(), "runs.using");
    if (using == null) {
      diagnostics.error(
          mapping, "'runs' has no 'using'", "'using' is composite, node20, node24 or docker");
      return null;
    }
    List<String> known;
    if (using.equals("composite")) {
      known = COMPOSITE_KEYS;
    } else if (using.matches("node\\d+")) {
      known = NODE_KEYS;
    } else if (using.equals("docker")) {
      known = DOCKER_KEYS;
    } else {
      diagnostics.error(
          usingTuple.getValueNode(),
          "unknown 'runs.using' value '" + using + "'",
          "'using' is composite, node20, node24 or docker");
      return null;
    }
    Fields f = reader.fields(mapping, known, "'runs'");
    if (using.equals("docker") && !f.has("image")) {
      diagnostics.error(
          mapping,
          "a docker action's 'runs' has no 'image'",
          "'image' is 'docker://<image>[:<tag>]' or a Dockerfile of the action");
    }
    List<StepSpec> steps = List.of();
    if (using.equals("composite")) {
      steps = new StepReader(reader, "action").read(f, path, mapping);
      steps.stream()
          .filter(s -> s.run() != null && s.shell() == null)
          .forEach(
              s ->
                  diagnostics.error(
                      s.pos().line(),
                      s.pos().column(),
                      "step "
                          + (s.index() + 1)
                          + " of the composite action runs a script without a 'shell'",
                      "composite actions require 'shell:' on each 'run:' step (e.g. 'shell: bash')"));
    }
    return new ActionSpec.Runs(
        using,
        steps,
        reader.string(f.value(using.equals("docker") ? "image" : "main"), "main"),
        reader.string(f.value(using.equals("docker") ? "pre-entrypoint" : "pre"), "pre"),
        reader.string(f.value(using.equals("docker") ? "post-entrypoint" : "post"), "post"),
        reader.condition(f.value("pre-if")),
        reader.condition(f.value("post-if")),
        diagnostics.pos(mapping),
        using.equals("docker")
            ? new ActionSpec.Container(
                reader.strings(f.value("args"), "args"),
                reader.string(f.value("entrypoint"), "entrypoint"),
                reader.stringMap(f.value("env"), "env"))
            : null);
  }
}
