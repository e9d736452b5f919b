package dev.pipewright.parser.spec;

import java.util.List;
import java.util.Map;

/**
 * An action's manifest ({@code action.yml} / {@code action.yaml}), as actions/runner's
 * ActionManifestManager reads it: its inputs and outputs and how it runs.
 *
 * @param path the manifest's file name, as diagnostics name it
 * @param inputs by name, in file order
 * @param outputs by name, in file order
 */
public record ActionSpec(
    String path,
    String name,
    Map<String, Input> inputs,
    Map<String, Output> outputs,
    Runs runs,
    SourcePos pos) {

  /**
   * One of {@code inputs:}.
   *
   * @param defaultValue the {@code default:} text (may be an expression), or null
   */
  public record Input(String description, boolean required, String defaultValue, SourcePos pos) {}

  /**
   * One of {@code outputs:}.
   *
   * @param value the {@code value:} expression (composite actions), or null
   */
  public record Output(String description, String value) {}

  /**
   * {@code runs:}.
   *
   * @param using {@code composite}, {@code node20}, {@code docker}... as written
   * @param steps a composite action's steps (empty for the others)
   * @param main a JavaScript action's entry point, or a docker action's {@code image}
   * @param pre a JavaScript action's {@code pre}, or a docker action's {@code pre-entrypoint}
   * @param post a JavaScript action's {@code post}, or a docker action's {@code post-entrypoint}
   * @param container a docker action's {@code args}, {@code entrypoint} and {@code env}; null for
   *     the others
   */
  /**
   * How deep composite actions nest inside a step: ActionRunner.cs refuses an action nested deeper
   * (Constants.CompositeActionsMaxDepth); the engine and lint hold to it alike.
   */
  public static final int MAX_COMPOSITE_DEPTH = 9;

  public record Runs(
      String using,
      List<StepSpec> steps,
      String main,
      String pre,
      String post,
      String preIf,
      String postIf,
      SourcePos pos,
      Container container) {
    public boolean composite() {
      return "composite".equals(using);
    }

    public boolean docker() {
      return "docker".equals(using);
    }

    /** A JavaScript action of a Node.js in support: {@code node20}, {@code node24}. */
    public boolean currentNode() {
      return "node20".equals(using) || "node24".equals(using);
    }

    /**
     * A JavaScript action of a Node.js past its end of life ({@code node12}, {@code node16}), which
     * GitHub's runner runs on a newer one (actions/runner#3192,
     * ForceGithubJavascriptActionsToNode20), with a warning; so do lint and the engine.
     */
    public boolean retiredNode() {
      return "node12".equals(using) || "node16".equals(using);
    }
  }

  /**
   * What a docker action's {@code runs} gives its container (action_yaml.json's {@code
   * container-runs}): each may hold {@code ${{ inputs.* }}} expressions, evaluated when it runs.
   *
   * @param args {@code args}, in order (empty when absent)
   * @param entrypoint {@code entrypoint}, or null for the image's own
   * @param env {@code env}, in file order
   */
  public record Container(List<String> args, String entrypoint, Map<String, String> env) {}
}
