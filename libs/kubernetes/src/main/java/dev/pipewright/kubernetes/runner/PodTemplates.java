package dev.pipewright.kubernetes.runner;

import dev.pipewright.expressions.EvalContext;
import dev.pipewright.expressions.Expression;
import dev.pipewright.expressions.ExpressionException;
import dev.pipewright.expressions.Template;
import dev.pipewright.expressions.Values;
import dev.pipewright.models.CiException;
import dev.pipewright.models.ErrorCode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Renders a job's {@code run:} and {@code env:} templates for a pod that cannot evaluate
 * expressions, leaving two kinds of holes the step wrapper fills in at run time:
 *
 * <ul>
 *   <li>{@code ${{ steps.<id>.outputs.<name> }}}, {@code ${{ steps.<id>.outcome }}} and {@code ${{
 *       steps.<id>.conclusion }}} exactly (the forms GitHub documents): their values are only known
 *       in the pod, from the files earlier steps wrote. Any other use of {@code steps} in a
 *       template is refused with INVALID_SPEC.
 *   <li>every expression that reads {@code secrets} (or an {@code env} variable derived from one):
 *       evaluated now, but its value goes to the build Secret and reaches the container as a {@code
 *       secretKeyRef} variable, so scripts and env files never hold a secret value.
 * </ul>
 *
 * <p>One instance per planned job: it collects the job's secret-derived values. Not thread-safe.
 */
final class PodTemplates {
  /** The exact deferred forms; ids and names as the parser allows them. */
  private static final Pattern STEP_REF =
      Pattern.compile(
          "\\s*steps\\.([A-Za-z_][A-Za-z0-9_-]*)\\.(?:(outcome|conclusion)|outputs\\.([A-Za-z_][A-Za-z0-9_-]*))\\s*",
          Pattern.CASE_INSENSITIVE);

  /** One piece of pod text: literal, or a hole the wrapper fills ({@code ref} as it reads it). */
  record Part(String literal, String ref) {}

  /**
   * Text as the pod gets it.
   *
   * @param plain the value with holes rendered as the planner sees them: step references empty,
   *     secret-derived values in clear (only ever used for further evaluation, never written)
   */
  record PodText(List<Part> parts, String plain, boolean stepDependent, boolean sensitive) {
    static PodText literal(String text) {
      return new PodText(List.of(new Part(text, null)), text, false, false);
    }

    boolean hasHoles() {
      return parts.stream().anyMatch(p -> p.ref() != null);
    }

    /** The text with each hole as {@code <mark>ref<mark>}. */
    String withMarks(String mark) {
      StringBuilder out = new StringBuilder();
      for (Part p : parts) {
        out.append(p.literal() != null ? p.literal() : mark + p.ref() + mark);
      }
      return out.toString();
    }
  }

  private final Map<String, Integer> earlierSteps = new LinkedHashMap<>();
  private final List<String> values = new ArrayList<>();

  /** A step with an {@code id:} has finished planning: later steps may read it. */
  void stepPlanned(String id, int number) {
    if (id != null && !id.isEmpty()) {
      earlierSteps.putIfAbsent(id.toLowerCase(Locale.ROOT), number);
    }
  }

  /** The step number of an earlier step's id, or null (a later or unknown step reads as null). */
  Integer earlierStep(String id) {
    return earlierSteps.get(id.toLowerCase(Locale.ROOT));
  }

  /** The secret-derived values collected so far, by index. */
  List<String> values() {
    return List.copyOf(values);
  }

  /**
   * Renders {@code text}.
   *
   * @param env the visible env variables as pod text, for the env context and to know which are
   *     secret-derived or step-dependent
   */
  PodText render(
      String text, Map<String, Object> contexts, Map<String, PodText> env, String where) {
    Template template;
    try {
      template = Template.parse(text);
    } catch (ExpressionException e) {
      throw StepPlanner.invalid(where, e);
    }
    if (template.isLiteral()) {
      return PodText.literal(text);
    }
    Map<String, Object> visible = new LinkedHashMap<>(contexts);
    Map<String, String> plainEnv = new LinkedHashMap<>();
    env.forEach((k, v) -> plainEnv.put(k, v.plain()));
    visible.put("env", plainEnv);
    EvalContext ctx = EvalContext.builder().contexts(visible).build();

    List<Part> parts = new ArrayList<>();
    StringBuilder plain = new StringBuilder();
    boolean stepDependent = false;
    boolean sensitive = false;
    int from = 0;
    for (Expression e : template.expressions()) {
      int open = text.indexOf("${{", from);
      if (open > from) {
        parts.add(new Part(text.substring(from, open), null));
        plain.append(text, from, open);
      }
      int inner = open + 3;
      from = inner + e.source().length() + 2;
      Set<String> used = e.contexts();
      if (used.contains("steps")) {
        parts.add(new Part(null, stepRef(e.source(), where)));
        stepDependent = true;
        continue;
      }
      if (used.contains("env")) {
        requireNoStepDependentEnv(e, env, where);
      }
      String value = evaluate(e, ctx, where);
      plain.append(value);
      if (used.contains("secrets") || (used.contains("env") && anySensitive(env))) {
        int index = values.indexOf(value);
        if (index < 0) {
          values.add(value);
          index = values.size() - 1;
        }
        parts.add(new Part(null, "v." + index));
        sensitive = true;
      } else {
        parts.add(new Part(value, null));
      }
    }
    if (from < text.length()) {
      parts.add(new Part(text.substring(from), null));
      plain.append(text, from, text.length());
    }
    return new PodText(merge(parts), plain.toString(), stepDependent, sensitive);
  }

  /** Evaluates a text that must be known now (working-directory, image...): no holes allowed. */
  static void requireKnownNow(Set<String> used, String where) {
    if (used.contains("steps")) {
      throw new CiException(
          ErrorCode.INVALID_SPEC,
          where
              + " reads the steps context, which the Kubernetes runner only supports in run:,"
              + " env: and if: (see libs/kubernetes/README.md); run this workflow with the local"
              + " runner");
    }
  }

  private String stepRef(String source, String where) {
    Matcher m = STEP_REF.matcher(source);
    if (!m.matches()) {
      throw new CiException(
          ErrorCode.INVALID_SPEC,
          where
              + ": '${{ "
              + source.strip()
              + " }}' reads the steps context in a form the Kubernetes runner cannot evaluate in"
              + " the pod; only ${{ steps.<id>.outputs.<name> }}, ${{ steps.<id>.outcome }} and"
              + " ${{ steps.<id>.conclusion }} are supported in run: and env:");
    }
    Integer number = earlierStep(m.group(1));
    if (number == null) {
      // GitHub reads a step that has not run (or does not exist) as null: empty text.
      return null;
    }
    String field = m.group(2);
    if (field != null) {
      return (field.equalsIgnoreCase("outcome") ? "u." : "c.") + number;
    }
    return "o." + number + "." + m.group(3).toLowerCase(Locale.ROOT);
  }

  private static void requireNoStepDependentEnv(
      Expression e, Map<String, PodText> env, String where) {
    String source = e.source();
    for (Map.Entry<String, PodText> v : env.entrySet()) {
      if (v.getValue().stepDependent()
          && Pattern.compile(
                  "env\\s*(\\.\\s*" + Pattern.quote(v.getKey()) + "\\b|\\[|\\))",
                  Pattern.CASE_INSENSITIVE)
              .matcher(source)
              .find()) {
        throw new CiException(
            ErrorCode.INVALID_SPEC,
            where
                + ": '${{ "
                + source.strip()
                + " }}' reads env."
                + v.getKey()
                + ", which depends on the steps context; the Kubernetes runner cannot evaluate"
                + " that before the pod starts: use $"
                + v.getKey()
                + " in the script instead");
      }
    }
  }

  private static boolean anySensitive(Map<String, PodText> env) {
    return env.values().stream().anyMatch(PodText::sensitive);
  }

  private static String evaluate(Expression e, EvalContext ctx, String where) {
    try {
      return Values.toDisplayString(e.evaluate(ctx));
    } catch (ExpressionException ex) {
      throw StepPlanner.invalid(where, ex);
    }
  }

  /** Joins adjacent literals; a null ref (a step not run yet) reads as empty text. */
  private static List<Part> merge(List<Part> parts) {
    List<Part> out = new ArrayList<>();
    StringBuilder literal = new StringBuilder();
    for (Part p : parts) {
      if (p.ref() == null) {
        literal.append(p.literal() == null ? "" : p.literal());
        continue;
      }
      if (!literal.isEmpty()) {
        out.add(new Part(literal.toString(), null));
        literal.setLength(0);
      }
      out.add(p);
    }
    if (!literal.isEmpty() || out.isEmpty()) {
      out.add(new Part(literal.toString(), null));
    }
    return out;
  }
}
