package dev.pipewright.executor.engine;

import dev.pipewright.executor.LogChunker;
import dev.pipewright.models.CiException;
import dev.pipewright.models.ErrorCode;
import dev.pipewright.parser.spec.ActionSpec;
import dev.pipewright.parser.spec.StepSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/** The {@code inputs} of an action a step runs, whatever kind of action it is. */
final class ActionInputs {
  private ActionInputs() {}

  /**
   * The action's {@code inputs} context: the caller's {@code with:} values, rendered, over each
   * input's default. ActionRunner.cs warns of inputs the action does not declare (and passes them
   * on); a required input neither given nor defaulted fails the step before any inner step runs.
   *
   * @param alsoValid the inputs the kind of action takes beside its declared ones (no warning)
   */
  static Map<String, String> of(
      StepSpec caller,
      ActionSpec spec,
      JobContext ctx,
      Map<String, String> env,
      LogChunker log,
      List<String> alsoValid) {
    Map<String, String> given = new LinkedHashMap<>();
    if (caller.with() != null) {
      caller.with().forEach((k, v) -> given.put(k.toLowerCase(Locale.ROOT), ctx.render(v, env)));
    }
    Map<String, String> inputs = new LinkedHashMap<>(given);
    List<String> missing = new ArrayList<>();
    spec.inputs()
        .forEach(
            (name, input) -> {
              String key = name.toLowerCase(Locale.ROOT);
              if (given.containsKey(key)) {
                return;
              }
              if (input.defaultValue() != null) {
                inputs.put(key, ctx.render(input.defaultValue(), env));
              } else if (input.required()) {
                missing.add(name);
              } else {
                inputs.put(key, "");
              }
            });
    List<String> declared =
        spec.inputs().keySet().stream().map(n -> n.toLowerCase(Locale.ROOT)).toList();
    List<String> unexpected =
        given.keySet().stream()
            .filter(k -> !declared.contains(k) && !alsoValid.contains(k))
            .toList();
    if (!unexpected.isEmpty()) {
      log.runnerLine(
          "##[warning]Unexpected input(s) "
              + quoted(unexpected)
              + ", valid inputs are ["
              + quoted(spec.inputs().keySet().stream().toList())
              + "]");
    }
    if (!missing.isEmpty()) {
      throw new CiException(
          ErrorCode.INVALID_SPEC,
          "Input required and not supplied: "
              + String.join(", ", missing)
              + " ("
              + caller.uses()
              + ")");
    }
    return inputs;
  }

  private static String quoted(List<String> names) {
    return names.stream().map(n -> "'" + n + "'").collect(Collectors.joining(", "));
  }
}
