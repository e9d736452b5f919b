package dev.pipewright.capabilities;

import dev.pipewright.parser.Diagnostic;
import dev.pipewright.parser.WorkflowException;
import dev.pipewright.parser.spec.JobSpec;
import dev.pipewright.parser.spec.RunsOn;
import dev.pipewright.parser.spec.SourcePos;
import dev.pipewright.parser.spec.StepSpec;
import dev.pipewright.parser.spec.WorkflowSpec;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What the job engine and its hosts can run, as one table: a parsed workflow and a {@link Target}
 * in, {@link Finding}s out. {@code pipewright lint} prints them, admission refuses a build with an
 * error among them, and the engine writes a job's warnings into its log when it runs, so nothing
 * the engine skips passes silently.
 *
 * <p>Keep it true: whoever teaches the engine or a host something new (an action kind, services,
 * reusable workflows, a container option on pods) changes its row here in the same change, and
 * {@code LintCorpusTest} (apps/cli) shows what that does to real workflows.
 */
public final class Capabilities {

  private Capabilities() {}

  /** Every finding of a workflow on {@code target}, in file order. */
  public static List<Finding> check(WorkflowSpec workflow, Target target) {
    List<Finding> found = new ArrayList<>(workflowLevel(workflow));
    for (JobSpec job : workflow.jobs().values()) {
      found.addAll(jobKeys(job, target));
      found.addAll(steps(job));
    }
    return inFileOrder(found);
  }

  /** By line, then column; findings at one place keep their order. */
  public static List<Finding> inFileOrder(List<Finding> findings) {
    List<Finding> sorted = new ArrayList<>(findings);
    sorted.sort(
        Comparator.comparingInt((Finding f) -> f.diagnostic().line())
            .thenComparingInt(f -> f.diagnostic().column()));
    return List.copyOf(sorted);
  }

  /**
   * The warnings of a workflow {@code target} can run.
   *
   * @throws WorkflowException (INVALID_SPEC) with every error, when there is one
   */
  public static List<Finding> require(WorkflowSpec workflow, Target target) {
    List<Finding> found = check(workflow, target);
    List<Diagnostic> errors =
        found.stream().filter(Finding::isError).map(Finding::diagnostic).toList();
    if (!errors.isEmpty()) {
      throw new WorkflowException(errors);
    }
    return found;
  }

  /**
   * What the engine checks when it runs one job, whatever runs it: every warning of the job (the
   * workflow's own included) and the errors of the job's own keys that hold on every target. A
   * build admitted before a check existed, or by an entry API whose settings differ from the
   * workers', still never runs such a job as if it had succeeded. What depends on the worker (a
   * container engine, pod-only limits) its host refuses itself, and a step whose action cannot run
   * fails when it is reached, after the steps before it ran.
   */
  public static List<Finding> forJob(WorkflowSpec workflow, JobSpec job) {
    List<Finding> found = new ArrayList<>(workflowLevel(workflow));
    List<Finding> kubernetes = jobKeys(job, Target.kubernetes());
    jobKeys(job, Target.local(true)).stream()
        .filter(f -> !f.isError() || kubernetes.contains(f))
        .forEach(found::add);
    steps(job).stream().filter(f -> !f.isError()).forEach(found::add);
    return List.copyOf(found);
  }

  // ---- the table ----

  private static List<Finding> workflowLevel(WorkflowSpec workflow) {
    List<Finding> found = new ArrayList<>();
    if (workflow.concurrency() != null) {
      found.add(concurrency(workflow.at("concurrency"), "the workflow"));
    }
    if (workflow.permissions() != null) {
      found.add(permissions(workflow.at("permissions"), "the workflow"));
    }
    return found;
  }

  private static List<Finding> jobKeys(JobSpec job, Target target) {
    List<Finding> found = new ArrayList<>();
    String where = "job '" + job.id() + "'";
    if (job.container() != null) {
      containerEngine(job, where, "container", target, found);
    }
    if (job.services() != null && !job.services().isEmpty()) {
      containerEngine(job, where, "services", target, found);
    }
    dockerSteps(job, where, target, found);
    runsOn(job, where, found);
    if (job.concurrency() != null) {
      found.add(concurrency(job.at("concurrency"), where));
    }
    if (job.permissions() != null) {
      found.add(permissions(job.at("permissions"), where));
    }
    if (job.environment() != null) {
      found.add(
          Finding.warning(
              job.at("environment"),
              where
                  + " names the environment '"
                  + job.environment()
                  + "': environments are not honoured (no protection rules, no environment"
                  + " secrets or variables, no deployment)",
              null));
    }
    return found;
  }

  private static List<Finding> steps(JobSpec job) {
    List<Finding> found = new ArrayList<>();
    String where = "job '" + job.id() + "'";
    for (StepSpec step : job.steps() == null ? List.<StepSpec>of() : job.steps()) {
      if (step.uses() != null) {
        action(where, step, found);
      }
    }
    return found;
  }

  /**
   * {@code container:} and {@code services:} run in podman on the local workers (the container
   * host) and in the job's pod on Kubernetes. What a host cannot do of their fields is {@code
   * ContainerSupport}'s (libs/executor), which the hosts apply when a job starts and {@code lint}
   * before; here only what the target decides: a local worker without a container engine.
   */
  private static void containerEngine(
      JobSpec job, String where, String key, Target target, List<Finding> found) {
    if (target.executor() == Target.Executor.LOCAL && !target.containerEngine()) {
      found.add(
          Finding.error(
              job.at(key),
              where
                  + " sets '"
                  + key
                  + ":', but the local workers have no container engine"
                  + " (podman)",
              "install podman on the workers (and say so in the configuration), or remove '"
                  + key
                  + ":'"));
    }
  }

  /**
   * A {@code docker://} step runs in a container of its own (the engine's {@code DockerSteps}):
   * with podman on the local workers, as a pod of its own on Kubernetes.
   */
  private static void dockerSteps(JobSpec job, String where, Target target, List<Finding> found) {
    if (target.executor() != Target.Executor.LOCAL || target.containerEngine()) {
      return;
    }
    for (StepSpec step : job.steps() == null ? List.<StepSpec>of() : job.steps()) {
      if (step.uses() != null && step.uses().startsWith("docker://")) {
        found.add(
            Finding.error(
                step.pos(),
                "step "
                    + (step.index() + 1)
                    + " of "
                    + where
                    + " uses a 'docker://' step, but the local workers have no container engine"
                    + " (podman)",
                "install podman on the workers (and say so in the configuration), or use a"
                    + " 'run:' step"));
      }
    }
  }

  /** Every job runs on Linux, whatever its labels ask for; a label for another OS is ignored. */
  private static void runsOn(JobSpec job, String where, List<Finding> found) {
    RunsOn runsOn = job.runsOn();
    if (runsOn == null) {
      return;
    }
    for (String label : runsOn.labels()) {
      String os = otherOs(label);
      if (os != null) {
        found.add(
            Finding.warning(
                job.at("runs-on"),
                where
                    + " runs on '"
                    + label
                    + "', but every executor runs jobs on Linux, not "
                    + os,
                null));
      }
    }
    if (runsOn.group() != null) {
      found.add(
          Finding.warning(
              job.at("runs-on"),
              where
                  + " asks for the runner group '"
                  + runsOn.group()
                  + "': there are no runner groups, any worker runs it",
              null));
    }
  }

  private static String otherOs(String label) {
    String l = label.toLowerCase(Locale.ROOT);
    if (l.startsWith("windows")) {
      return "Windows";
    }
    if (l.startsWith("macos")) {
      return "macOS";
    }
    return null;
  }

  /**
   * Which {@code uses:} steps the engine runs: the built-in {@code actions/checkout} ({@code
   * StepScript}), {@code docker://} steps (where a container engine is: {@link #dockerSteps}), and
   * local and remote actions when they are composite actions ({@code CompositeSteps}, on every
   * host), JavaScript actions ({@code NodeActions}) or docker actions of a {@code docker://} image
   * ({@code DockerSteps}). Their kind is in their {@code action.yml}, which only the run reads (a
   * remote one is fetched then): a docker action built from a Dockerfile, or a JavaScript action on
   * a Node.js GitHub no longer runs, fails its step when it is reached, saying so. So an action is
   * a warning here, naming what runs.
   */
  private static void action(String where, StepSpec step, List<Finding> found) {
    String uses = step.uses();
    String head = "step " + (step.index() + 1) + " of " + where + " uses ";
    if (isCheckout(uses)) {
      checkoutInputs(where, step, found);
    } else if (!uses.startsWith("docker://")) {
      found.add(
          Finding.warning(
              step.pos(),
              head
                  + (uses.startsWith("./") ? "the local action '" : "the action '")
                  + uses
                  + "': it runs if it is a composite, JavaScript (node20, node24) or docker"
                  + " action of a 'docker://' image; Dockerfile images are not run yet and fail"
                  + " their step",
              null));
    }
  }

  /**
   * The inputs of actions/checkout the built-in one ignores ({@code CheckoutScript} honours {@code
   * repository}, {@code ref}, {@code path}, {@code fetch-depth} and {@code clean}), each with the
   * value it behaves as. Another value, or an input it does not know, is a warning: the checkout
   * succeeds without doing what the input asked.
   */
  private static final Map<String, String> CHECKOUT_IGNORES =
      Map.ofEntries(
          Map.entry("submodules", "false"),
          Map.entry("lfs", "false"),
          Map.entry("fetch-tags", "false"),
          Map.entry("sparse-checkout", ""),
          Map.entry("sparse-checkout-cone-mode", "true"),
          Map.entry("filter", ""),
          // It fetches with no credentials and leaves none behind.
          Map.entry("persist-credentials", "false"),
          Map.entry("token", ""),
          Map.entry("ssh-key", ""),
          Map.entry("ssh-known-hosts", ""),
          Map.entry("ssh-strict", "true"),
          Map.entry("ssh-user", "git"),
          Map.entry("github-server-url", ""));

  /** What the built-in checkout does as asked, and inputs that change only what it prints. */
  private static final List<String> CHECKOUT_HONOURS =
      List.of(
          "repository",
          "ref",
          "path",
          "fetch-depth",
          "clean",
          "show-progress",
          "set-safe-directory");

  private static void checkoutInputs(String where, StepSpec step, List<Finding> found) {
    for (Map.Entry<String, String> input : step.with().entrySet()) {
      String name = input.getKey();
      String value = input.getValue() == null ? "" : input.getValue().strip();
      if (CHECKOUT_HONOURS.contains(name)) {
        continue;
      }
      String behavesAs = CHECKOUT_IGNORES.get(name);
      if (value.equalsIgnoreCase(behavesAs)) {
        continue;
      }
      found.add(
          Finding.warning(
              step.pos(),
              "step "
                  + (step.index() + 1)
                  + " of "
                  + where
                  + ": the built-in actions/checkout ignores '"
                  + name
                  + "'"
                  + (behavesAs == null ? "" : " (it behaves as '" + behavesAs + "')"),
              null));
    }
  }

  /** Whether a {@code uses:} value names the checkout action, which the engine has built in. */
  public static boolean isCheckout(String uses) {
    return uses != null
        && (uses.equals("actions/checkout") || uses.startsWith("actions/checkout@"));
  }

  private static Finding concurrency(SourcePos at, String where) {
    return Finding.warning(
        at,
        "'concurrency' of "
            + where
            + " is not honoured: builds and jobs of one group run side by side and none is"
            + " cancelled",
        null);
  }

  private static Finding permissions(SourcePos at, String where) {
    return Finding.warning(
        at, "'permissions' of " + where + " has no effect: jobs get no GITHUB_TOKEN", null);
  }
}
