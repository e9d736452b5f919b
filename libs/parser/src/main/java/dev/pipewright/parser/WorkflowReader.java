package dev.pipewright.parser;

import dev.pipewright.parser.spec.WorkflowCall;
import dev.pipewright.parser.spec.WorkflowSpec;
import dev.pipewright.text.Suggestions;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/** The top level of a workflow file. */
final class WorkflowReader {
  private static final List<String> WORKFLOW_KEYS =
      List.of("name", "run-name", "on", "env", "defaults", "concurrency", "permissions", "jobs");

  /** The events GitHub can trigger a workflow on; a name outside them is almost always a typo. */
  static final List<String> EVENTS =
      List.of(
          "branch_protection_rule",
          "check_run",
          "check_suite",
          "create",
          "delete",
          "deployment",
          "deployment_status",
          "discussion",
          "discussion_comment",
          "fork",
          "gollum",
          "issue_comment",
          "issues",
          "label",
          "merge_group",
          "milestone",
          "page_build",
          "project",
          "project_card",
          "project_column",
          "public",
          "pull_request",
          "pull_request_review",
          "pull_request_review_comment",
          "pull_request_target",
          "push",
          "registry_package",
          "release",
          "repository_dispatch",
          "schedule",
          "status",
          "watch",
          "workflow_call",
          "workflow_dispatch",
          "workflow_run");

  private static final String SCHEDULE = "schedule";
  private static final String CRON = "cron";

  private final String path;
  private final NodeReader reader;
  private final Diagnostics diagnostics;

  WorkflowReader(String path, NodeReader reader) {
    this.path = path;
    this.reader = reader;
    this.diagnostics = reader.diagnostics();
  }

  WorkflowSpec read(Node root) {
    if (!(root instanceof MappingNode mapping)) {
      diagnostics.error(root, "a workflow must be a mapping, not " + NodeReader.kind(root));
      return null;
    }
    Fields f = reader.fields(mapping, WORKFLOW_KEYS, "the workflow");
    return new WorkflowSpec(
        path,
        reader.string(f.value("name"), "name"),
        reader.string(f.value("run-name"), "run-name"),
        on(f.value("on")),
        reader.stringMap(f.value("env"), "env"),
        reader.defaults(f.value("defaults"), "the workflow"),
        reader.concurrency(f.value("concurrency"), "the workflow"),
        reader.plain(f.value("permissions")),
        new JobReader(reader).readAll(f.value("jobs"), mapping),
        call(f.value("on")),
        f.positions(diagnostics));
  }

  /** {@code on: workflow_call} read with its inputs, secrets and outputs; null without it. */
  private WorkflowCall call(Node on) {
    if (on instanceof MappingNode mapping) {
      for (NodeTuple tuple : mapping.getValue()) {
        if (tuple.getKeyNode() instanceof ScalarNode key
            && key.getValue().equals(CallReader.EVENT)) {
          return new CallReader(reader).read(tuple.getValueNode(), key);
        }
      }
      return null;
    }
    if (NodeReader.isNull(on)) {
      return null;
    }
    for (Node item : on instanceof SequenceNode seq ? seq.getValue() : List.of(on)) {
      if (item instanceof ScalarNode s && s.getValue().equals(CallReader.EVENT)) {
        return new CallReader(reader).read(null, s);
      }
    }
    return null;
  }

  /**
   * {@code on:} in any of its forms as event → filter map. {@code schedule}'s list of {@code cron:}
   * entries becomes {@code {cron: [expressions...]}} so every event has a map.
   */
  private Map<String, Object> on(Node node) {
    if (NodeReader.isNull(node)) {
      return Map.of();
    }
    Map<String, Object> events = new LinkedHashMap<>();
    if (node instanceof MappingNode mapping) {
      for (Map.Entry<String, NodeTuple> entry : reader.entries(mapping).entrySet()) {
        String event = entry.getKey();
        if (checkEvent(event, entry.getValue().getKeyNode())) {
          events.put(event, filters(event, entry.getValue().getValueNode()));
        }
      }
    } else {
      for (ScalarNode s : reader.scalars(node, "on")) {
        String event = NodeReader.text(s);
        if (checkEvent(event, s)) {
          events.put(event, Map.of());
        }
      }
    }
    return Collections.unmodifiableMap(events);
  }

  private boolean checkEvent(String event, Node at) {
    if (EVENTS.contains(event)) {
      return true;
    }
    String closest = Suggestions.closest(event, EVENTS);
    diagnostics.error(
        at,
        "unknown event '" + event + "' in 'on'",
        closest != null ? "did you mean '" + closest + "'?" : null);
    return false;
  }

  private Map<String, Object> filters(String event, Node node) {
    if (NodeReader.isNull(node)) {
      return Map.of();
    }
    if (event.equals(SCHEDULE)) {
      return Map.of(CRON, crons(node));
    }
    return reader.plainMap(node, "on." + event);
  }

  private List<String> crons(Node node) {
    SequenceNode seq = reader.sequence(node, "on.schedule");
    List<String> crons = new ArrayList<>();
    if (seq == null) {
      return crons;
    }
    for (Node item : seq.getValue()) {
      MappingNode entry = reader.mapping(item, "on.schedule[]");
      if (entry == null) {
        continue;
      }
      Fields f = reader.fields(entry, List.of(CRON), "'on.schedule'");
      String cron = reader.string(f.value(CRON), "cron");
      if (cron == null) {
        diagnostics.error(item, "a 'schedule' entry needs a 'cron' expression");
      } else {
        crons.add(cron);
      }
    }
    return Collections.unmodifiableList(crons);
  }
}
