package dev.pipewright.parser;

import dev.pipewright.parser.spec.ContainerOptions;
import dev.pipewright.parser.spec.ContainerSpec;
import dev.pipewright.parser.spec.JobSpec;
import dev.pipewright.parser.spec.RunsOn;
import dev.pipewright.parser.spec.StepSpec;
import dev.pipewright.text.Suggestions;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;

/** {@code jobs:}: each job, then the {@code needs} references between them. */
final class JobReader {
  /** GitHub's rule for job and step ids. */
  static final Pattern ID = Pattern.compile("[A-Za-z_][A-Za-z0-9_-]*");

  static final String ID_HINT =
      "an id starts with a letter or '_' and contains only letters, digits, '-' and '_'";

  private static final List<String> JOB_KEYS =
      List.of(
          "name",
          "needs",
          "if",
          "runs-on",
          "container",
          "services",
          "env",
          "defaults",
          "outputs",
          "timeout-minutes",
          "continue-on-error",
          "strategy",
          "environment",
          "concurrency",
          "permissions",
          "uses",
          "with",
          "secrets",
          "steps");

  /** What a job that calls a reusable workflow may say besides {@code uses}. */
  private static final List<String> CALLER_KEYS =
      List.of(
          "name",
          "needs",
          "if",
          "uses",
          "with",
          "secrets",
          "strategy",
          "concurrency",
          "permissions");

  private static final List<String> RUNS_ON_KEYS = List.of("group", "labels");
  private static final List<String> CONTAINER_KEYS =
      List.of("image", "credentials", "env", "ports", "volumes", "options");
  private static final List<String> CREDENTIALS_KEYS = List.of("username", "password");
  private static final List<String> ENVIRONMENT_KEYS = List.of("name", "url");
  private static final Pattern WORKFLOW_REF =
      Pattern.compile("(\\./.+\\.ya?ml)|([^/@\\s]+/[^/@\\s]+/[^@\\s]+\\.ya?ml@[^@\\s]+)");

  private final NodeReader reader;
  private final Diagnostics diagnostics;
  private final StrategyReader strategies;
  private final StepReader steps;

  JobReader(NodeReader reader) {
    this.reader = reader;
    this.diagnostics = reader.diagnostics();
    this.strategies = new StrategyReader(reader);
    this.steps = new StepReader(reader, "job");
  }

  /** All jobs in source order; {@code owner} is where a missing {@code jobs:} is reported. */
  Map<String, JobSpec> readAll(Node jobsNode, Node owner) {
    if (NodeReader.isNull(jobsNode)) {
      diagnostics.error(
          owner, "the workflow has no 'jobs'", "add a 'jobs:' mapping with at least one job");
      return Map.of();
    }
    MappingNode mapping = reader.mapping(jobsNode, "jobs");
    if (mapping == null) {
      return Map.of();
    }
    Map<String, NodeTuple> entries = reader.entries(mapping);
    if (entries.isEmpty()) {
      diagnostics.error(jobsNode, "'jobs' must define at least one job");
    }
    Map<String, JobSpec> jobs = new LinkedHashMap<>();
    Map<String, List<ScalarNode>> needs = new LinkedHashMap<>();
    entries.forEach(
        (id, tuple) -> {
          if (!ID.matcher(id).matches()) {
            diagnostics.error(tuple.getKeyNode(), "invalid job id '" + id + "'", ID_HINT);
          }
          MappingNode job = reader.mapping(tuple.getValueNode(), "jobs." + id);
          if (job == null) {
            if (NodeReader.isNull(tuple.getValueNode())) {
              diagnostics.error(tuple.getKeyNode(), "job '" + id + "' is empty");
            }
            return;
          }
          Fields fields = reader.fields(job, JOB_KEYS, "job '" + id + "'");
          List<ScalarNode> needNodes = reader.scalars(fields.value("needs"), "needs");
          needs.put(id, needNodes);
          jobs.put(id, job(id, tuple.getKeyNode(), fields, needNodes));
        });
    checkNeeds(needs, jobs);
    return Collections.unmodifiableMap(jobs);
  }

  private JobSpec job(String id, Node keyNode, Fields f, List<ScalarNode> needNodes) {
    String where = "job '" + id + "'";
    String uses = f.has("uses") ? workflowRef(f.value("uses")) : null;
    boolean caller = f.has("uses");
    if (caller) {
      for (String key : f.entries().keySet()) {
        if (JOB_KEYS.contains(key) && !CALLER_KEYS.contains(key)) {
          diagnostics.error(
              f.key(key),
              "'" + key + "' cannot be used in " + where + ", which calls a reusable workflow",
              "a job with 'uses' runs the called workflow's jobs; move '" + key + "' there");
        }
      }
    } else {
      if (!f.has("runs-on")) {
        diagnostics.error(
            keyNode,
            where + " is missing 'runs-on'",
            "add e.g. 'runs-on: ubuntu-latest' (or 'uses:' to call a reusable workflow)");
      }
      for (String key : List.of("with", "secrets")) {
        if (f.has(key)) {
          diagnostics.error(
              f.key(key),
              "'" + key + "' is only allowed in a job that calls a reusable workflow ('uses')");
        }
      }
    }
    List<StepSpec> stepList = caller ? List.of() : steps.read(f, id, keyNode);
    return new JobSpec(
        id,
        reader.string(f.value("name"), "name"),
        needNodes.stream().map(NodeReader::text).toList(),
        reader.condition(f.value("if")),
        runsOn(f.value("runs-on")),
        container(f.value("container"), "container"),
        services(f.value("services")),
        reader.stringMap(f.value("env"), "env"),
        reader.defaults(f.value("defaults"), where),
        reader.stringMap(f.value("outputs"), "outputs"),
        reader.numberOrExpression(f.value("timeout-minutes"), "timeout-minutes"),
        reader.booleanOrExpression(f.value("continue-on-error"), "continue-on-error"),
        strategies.read(f.value("strategy"), id),
        reader.concurrency(f.value("concurrency"), where),
        reader.plain(f.value("permissions")),
        environment(f.value("environment")),
        uses,
        reader.plainMap(f.value("with"), "with"),
        secrets(f.value("secrets")),
        stepList,
        diagnostics.pos(keyNode),
        f.positions(diagnostics));
  }

  private void checkNeeds(Map<String, List<ScalarNode>> needs, Map<String, JobSpec> jobs) {
    needs.forEach(
        (id, needNodes) -> {
          for (ScalarNode need : needNodes) {
            String name = NodeReader.text(need);
            if (!jobs.containsKey(name)) {
              // Only an unknown need pays for the list of candidates (copying it for every job
              // made a large workflow quadratic).
              List<String> others = new ArrayList<>(jobs.keySet());
              others.remove(id);
              String closest = Suggestions.closest(name, others);
              diagnostics.error(
                  need,
                  "job '" + id + "' needs unknown job '" + name + "'",
                  closest != null ? "did you mean '" + closest + "'?" : null);
            }
          }
        });
  }

  private String workflowRef(Node node) {
    String ref = reader.string(node, "uses");
    if (ref != null && !NodeReader.isExpression(ref) && !WORKFLOW_REF.matcher(ref).matches()) {
      diagnostics.error(
          node,
          "invalid reusable workflow reference '" + ref + "'",
          "expected '{owner}/{repo}/.github/workflows/{file}.yml@{ref}'"
              + " or './.github/workflows/{file}.yml'");
    }
    return ref;
  }

  private RunsOn runsOn(Node node) {
    if (NodeReader.isNull(node)) {
      return null;
    }
    if (node instanceof ScalarNode s) {
      String text = NodeReader.text(s);
      return NodeReader.isExpression(text)
          ? new RunsOn(List.of(), null, text)
          : new RunsOn(List.of(text), null, null);
    }
    if (node instanceof MappingNode m) {
      Fields f = reader.fields(m, RUNS_ON_KEYS, "'runs-on'");
      String group = reader.string(f.value("group"), "runs-on.group");
      List<String> labels = reader.strings(f.value("labels"), "runs-on.labels");
      if (group == null && labels.isEmpty()) {
        diagnostics.error(node, "'runs-on' needs a 'group' or 'labels'");
      }
      return new RunsOn(labels, group, null);
    }
    List<String> labels = reader.strings(node, "runs-on");
    if (labels.isEmpty()) {
      diagnostics.error(node, "'runs-on' has no labels");
    }
    return new RunsOn(labels, null, null);
  }

  private ContainerSpec container(Node node, String what) {
    if (NodeReader.isNull(node)) {
      return null;
    }
    if (node instanceof ScalarNode s) {
      return new ContainerSpec(NodeReader.text(s), Map.of(), Map.of(), List.of(), List.of(), null);
    }
    MappingNode mapping = reader.mapping(node, what);
    if (mapping == null) {
      return null;
    }
    Fields f = reader.fields(mapping, CONTAINER_KEYS, "'" + what + "'");
    String image = reader.string(f.value("image"), what + ".image");
    if (image == null) {
      diagnostics.error(node, "'" + what + "' is missing 'image'");
    }
    Map<String, String> credentials =
        reader.stringMap(f.value("credentials"), what + ".credentials");
    if (credentials != null) {
      for (String key : credentials.keySet()) {
        if (!CREDENTIALS_KEYS.contains(key)) {
          diagnostics.error(
              f.value("credentials"),
              "'" + what + ".credentials' takes 'username' and 'password', not '" + key + "'");
        }
      }
    }
    String options = reader.string(f.value("options"), what + ".options");
    if (options != null && !options.contains("${{")) {
      try {
        ContainerOptions.parse(options, what.startsWith("services."));
      } catch (ContainerOptions.Unsupported e) {
        // Valid for GitHub: what a host cannot run is for lint and admission to say, per host.
      } catch (IllegalArgumentException e) {
        diagnostics.error(f.value("options"), "'" + what + ".options': " + e.getMessage());
      }
    }
    return new ContainerSpec(
        image,
        credentials,
        reader.stringMap(f.value("env"), what + ".env"),
        reader.strings(f.value("ports"), what + ".ports"),
        reader.strings(f.value("volumes"), what + ".volumes"),
        options);
  }

  private Map<String, ContainerSpec> services(Node node) {
    MappingNode mapping = reader.mapping(node, "services");
    if (mapping == null) {
      return Map.of();
    }
    Map<String, ContainerSpec> services = new LinkedHashMap<>();
    reader
        .entries(mapping)
        .forEach(
            (name, tuple) -> {
              ContainerSpec service = container(tuple.getValueNode(), "services." + name);
              if (service != null) {
                services.put(name, service);
              }
            });
    return Collections.unmodifiableMap(services);
  }

  private String environment(Node node) {
    if (node instanceof MappingNode m) {
      Fields f = reader.fields(m, ENVIRONMENT_KEYS, "'environment'");
      String name = reader.string(f.value("name"), "environment.name");
      if (name == null) {
        diagnostics.error(node, "'environment' is missing 'name'");
      }
      reader.string(f.value("url"), "environment.url");
      return name;
    }
    return reader.string(node, "environment");
  }

  private Object secrets(Node node) {
    if (node instanceof ScalarNode s && !NodeReader.isNull(s)) {
      String text = NodeReader.text(s);
      if (!text.equals("inherit")) {
        diagnostics.error(
            node, "'secrets' must be 'inherit' or a mapping, not " + NodeReader.describe(node));
      }
      return text;
    }
    return NodeReader.isNull(node) ? null : reader.stringMap(node, "secrets");
  }
}
