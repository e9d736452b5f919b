package dev.pipewright.capabilities;

import dev.pipewright.parser.ActionParser;
import dev.pipewright.parser.WorkflowException;
import dev.pipewright.parser.spec.ActionRef;
import dev.pipewright.parser.spec.ActionSpec;
import dev.pipewright.parser.spec.StepSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * What an executor makes of a step's action, from its manifest when {@link ActionManifests} can
 * read it: actions/runner's ActionManifestManager takes {@code runs.using} {@code composite},
 * {@code docker} and {@code node*}; this engine runs {@code composite}, {@code node20}, {@code
 * node24} ({@code node12} and {@code node16} on Node 20, as GitHub's runner does now: a warning),
 * and {@code docker} with a {@code docker://} image where there is a container engine. A Docker
 * action built from a Dockerfile is refused until there is an image builder. Every finding points
 * at the step's {@code uses:}.
 */
final class ActionFindings {
  private final Target target;
  private final ActionManifests manifests;

  ActionFindings(Target target, ActionManifests manifests) {
    this.target = target;
    this.manifests = manifests;
  }

  /**
   * The findings of step {@code index} of {@code steps}, a {@code uses:} step other than the
   * built-in checkout.
   *
   * @param head the start of each message: {@code step 2 of job 'build' uses }
   */
  List<Finding> of(String head, StepSpec step, List<StepSpec> steps) {
    List<Finding> found = new ArrayList<>();
    check(head, step, steps, 0, new ArrayList<>(), found, step);
    return found;
  }

  private void check(
      String head,
      StepSpec step,
      List<StepSpec> steps,
      int depth,
      List<String> chain,
      List<Finding> found,
      StepSpec outer) {
    String uses = step.uses();
    Optional<ActionRef> parsed = ActionRef.tryParse(uses);
    if (parsed.isEmpty()) {
      // An expression: what it names is known only when the step runs.
      found.add(
          Finding.warning(
              outer.usesAt(),
              head + "'" + uses + "', which is checked only when the step runs",
              null));
      return;
    }
    ActionRef ref = parsed.get();
    if (ref instanceof ActionRef.Docker docker) {
      dockerImage(head + "'" + docker.text() + "'", outer, found);
      return;
    }
    String named = head + (ref instanceof ActionRef.Local ? "the local action '" : "the action '");
    named += ref.text() + "'";
    ActionManifests.Manifest manifest = manifests.read(ref);
    if (manifest instanceof ActionManifests.Missing missing
        && ref instanceof ActionRef.Local local) {
      manifest = checkedOutBefore(local, step, steps).orElse(missing);
    }
    switch (manifest) {
      case ActionManifests.Unread unread ->
          found.add(
              Finding.warning(
                  outer.usesAt(),
                  named
                      + ": its manifest was not read ("
                      + unread.reason()
                      + "), so whether this executor can run it is known only when the step runs",
                  null));
      case ActionManifests.Missing missing ->
          found.add(Finding.error(outer.usesAt(), named + ": " + missing.reason(), null));
      case ActionManifests.Found text -> kind(named, ref, text, depth, chain, found, outer);
    }
  }

  /** What the manifest says the action is, and whether this executor runs that. */
  private void kind(
      String named,
      ActionRef ref,
      ActionManifests.Found text,
      int depth,
      List<String> chain,
      List<Finding> found,
      StepSpec outer) {
    ActionSpec spec;
    try {
      spec = new ActionParser().parse(text.text(), text.label());
    } catch (WorkflowException e) {
      found.add(
          Finding.error(
              outer.usesAt(),
              named
                  + ": its manifest is invalid: "
                  + e.diagnostics().stream()
                      .map(d -> d.format().lines().findFirst().orElse(""))
                      .collect(Collectors.joining("; ")),
              null));
      return;
    }
    ActionSpec.Runs runs = spec.runs();
    String using = runs.using();
    if (runs.composite()) {
      nested(named, ref, spec, depth, chain, found, outer);
    } else if (runs.docker()) {
      dockerAction(named, spec, found, outer);
    } else if (runs.retiredNode()) {
      found.add(
          Finding.warning(
              outer.usesAt(),
              named
                  + ": 'runs.using: "
                  + using
                  + "' actions run on Node 20, as GitHub's runner runs them; one that needs"
                  + " the older Node may fail",
              null));
    } else if (!runs.currentNode()) {
      // A current Node's action runs on every host: the job's image's Node, else the executor's.
      found.add(
          Finding.error(
              outer.usesAt(),
              named + ": 'runs.using: " + using + "' is not run by this executor",
              "actions run here with 'using:' composite, node20, node24 or docker"));
    }
  }

  /** A composite action's own {@code uses:} steps, followed as far as the runner nests them. */
  private void nested(
      String named,
      ActionRef ref,
      ActionSpec spec,
      int depth,
      List<String> chain,
      List<Finding> found,
      StepSpec outer) {
    if (depth >= ActionSpec.MAX_COMPOSITE_DEPTH || chain.contains(ref.text())) {
      // Deeper nesting, and a cycle, fail when the step runs (CompositeSteps says which).
      return;
    }
    List<String> deeper = new ArrayList<>(chain);
    deeper.add(ref.text());
    for (StepSpec inner : spec.runs().steps()) {
      if (inner.uses() == null || Capabilities.isCheckout(inner.uses())) {
        continue;
      }
      String head = named + ", whose step " + (inner.index() + 1) + " uses ";
      check(head, inner, spec.runs().steps(), depth + 1, deeper, found, outer);
    }
  }

  private void dockerAction(String named, ActionSpec spec, List<Finding> found, StepSpec outer) {
    String image = spec.runs().main();
    if (image != null && image.startsWith("docker://")) {
      dockerImage(named, outer, found);
      return;
    }
    found.add(
        Finding.error(
            outer.usesAt(),
            named
                + ": it is a Docker action built from '"
                + image
                + "', which is refused until an image builder exists",
            "publish the image and point 'runs.image' at it as 'docker://…'"));
  }

  /** A container image runs where there is a container engine: pods, or podman on local workers. */
  private void dockerImage(String named, StepSpec outer, List<Finding> found) {
    if (target.executor() == Target.Executor.LOCAL && !target.containerEngine()) {
      found.add(
          Finding.error(
              outer.usesAt(),
              named
                  + ": it runs a container image, but the local workers have no container"
                  + " engine (podman)",
              "install podman on the workers (and say so in the configuration)"));
    }
  }

  /**
   * A local action missing from the checkout is still fine when an earlier step of its job checks
   * out another repository into a directory holding it: it is read when it runs.
   */
  private static Optional<ActionManifests.Manifest> checkedOutBefore(
      ActionRef.Local local, StepSpec step, List<StepSpec> steps) {
    for (StepSpec earlier : steps) {
      if (earlier.index() >= step.index()) {
        break;
      }
      String path = earlier.with().get("path");
      if (Capabilities.isCheckout(earlier.uses()) && path != null && !path.isBlank()) {
        String dir = path.strip().replaceAll("^\\./", "").replaceAll("/+$", "");
        if (local.path().equals(dir) || local.path().startsWith(dir + "/")) {
          return Optional.of(
              new ActionManifests.Unread(
                  "step "
                      + (earlier.index() + 1)
                      + " checks out a repository into '"
                      + dir
                      + "' when the job runs"));
        }
      }
    }
    return Optional.empty();
  }
}
