package dev.pipewright.dag;

import dev.pipewright.models.CiException;
import dev.pipewright.models.ErrorCode;
import dev.pipewright.parser.Diagnostic;
import dev.pipewright.parser.WorkflowException;
import dev.pipewright.parser.WorkflowParser;
import dev.pipewright.parser.spec.JobSpec;
import dev.pipewright.parser.spec.SourcePos;
import dev.pipewright.parser.spec.WorkflowCall;
import dev.pipewright.parser.spec.WorkflowSpec;
import dev.pipewright.text.Suggestions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Expands {@code jobs.<id>.uses} calls of reusable workflows into jobs of the build, as GitHub runs
 * them ("Reusing workflows"): each job of the called workflow becomes a job {@code <caller
 * key>.<id>} named {@code <caller name> / <name>}, with its needs inside the called workflow, its
 * first jobs after the caller's needs and the caller's {@code if:} as a gate; a caller with a
 * matrix calls the workflow once per cell. The caller stays a job of its own that ends after its
 * called jobs, which is what {@code needs.<caller>} reads.
 */
final class CallExpander {
  /**
   * GitHub: "You can connect a maximum of ten levels of workflows - that is, the top-level caller
   * workflow and up to nine levels of reusable workflows" (docs: how-tos/reuse-automations/
   * reuse-workflows.md, "Nesting reusable workflows").
   */
  static final int MAX_LEVELS = 10;

  private static final Planner PLANNER = new Planner();

  private final WorkflowSource source;
  private final Map<WorkflowRef, WorkflowSpec> parsed = new HashMap<>();
  private final List<PlannedJob> planned = new ArrayList<>();
  private final Map<String, PlacedJob> placed = new LinkedHashMap<>();
  private final List<Diagnostic> problems = new ArrayList<>();

  private CallExpander(WorkflowSource source) {
    this.source = source;
  }

  /**
   * The build's jobs with every call expanded; {@code top} itself when it calls nothing.
   *
   * @param rootPath the top-level workflow's path in its repository (for cycles through it)
   * @throws WorkflowException INVALID_SPEC: a called file that does not parse (with its own
   *     path:line:column), or problems of the calls (cycles, depth, inputs, secrets) at the caller
   * @throws CiException TRANSIENT when a called workflow could not be fetched
   */
  static LoadedWorkflow expand(LoadedWorkflow top, String rootPath, WorkflowSource source) {
    if (top.spec().jobs().values().stream().noneMatch(j -> j.uses() != null)) {
      return top;
    }
    CallExpander expander = new CallExpander(source);
    WorkflowRef root = WorkflowRef.root(rootPath);
    expander.expand(top.spec(), root, null, List.of(), List.of(), List.of(root));
    if (!expander.problems.isEmpty()) {
      throw new WorkflowException(expander.problems);
    }
    LinkedHashMap<String, List<String>> order = new LinkedHashMap<>();
    for (PlannedJob job : expander.planned) {
      List<String> waits = new ArrayList<>(job.needs());
      waits.addAll(expander.placed.get(job.id()).after());
      order.put(job.id(), waits);
    }
    JobGraph.Result graph = JobGraph.analyze(order);
    if (!graph.problems().isEmpty()) {
      // Each file was planned without cycles and a call only adds edges into a fresh copy.
      throw new IllegalStateException("expanded calls form a cycle: " + graph.problems());
    }
    return new LoadedWorkflow(
        top.spec(), new Plan(graph.batches(), expander.planned), expander.placed);
  }

  /**
   * Places the jobs of {@code spec}, which lives at {@code at}, called by {@code call} (null at the
   * top level).
   *
   * @param after what its first jobs wait for: the caller's needs (and theirs)
   * @param chain the files from the top level down to {@code spec}
   */
  private void expand(
      WorkflowSpec spec,
      WorkflowRef at,
      Call call,
      List<Gate> gates,
      List<String> after,
      List<WorkflowRef> chain) {
    String prefix = call == null ? "" : call.key() + ".";
    String namePrefix = call == null ? "" : call.name() + " / ";
    for (JobSpec job : spec.jobs().values()) {
      String id = prefix + job.id();
      List<String> needs = job.needs().stream().map(n -> prefix + n).toList();
      List<String> jobAfter = job.needs().isEmpty() ? after : List.of();
      if (job.uses() == null) {
        planned.add(
            new PlannedJob(
                id, namePrefix + job.displayName(), needs, Planner.instances(job, id, namePrefix)));
        placed.put(id, new PlacedJob(id, job, spec, call, jobAfter, gates, false));
        continue;
      }
      int position = planned.size();
      List<String> calledIds = new ArrayList<>();
      List<Gate> inner =
          Stream.concat(gates.stream(), Stream.of(new Gate(job.ifCondition(), needs))).toList();
      List<JobInstance> instances = Planner.instances(job, id, namePrefix);
      WorkflowRef ref = WorkflowRef.of(job.uses(), at);
      WorkflowSpec called = ref == null ? null : called(spec, job, ref, chain);
      if (called == null) {
        continue;
      }
      if (instances == null) {
        problem(
            spec,
            job,
            "the matrix of job '"
                + job.id()
                + "', which calls a reusable workflow, is an"
                + " expression",
            "a matrix over a call must be known when the build is planned: write its values");
        continue;
      }
      List<String> calledAfter =
          List.copyOf(
              new LinkedHashSet<>(Stream.concat(needs.stream(), jobAfter.stream()).toList()));
      List<WorkflowRef> next = Stream.concat(chain.stream(), Stream.of(ref)).toList();
      for (JobInstance instance : instances) {
        Call c =
            new Call(instance.key(), instance.name(), job, needs, instance.matrix(), called, call);
        called.jobs().keySet().forEach(calledJob -> calledIds.add(c.jobId(calledJob)));
        expand(called, ref, c, inner, calledAfter, next);
      }
      List<String> waits = Stream.concat(needs.stream(), calledIds.stream()).toList();
      planned.add(position, new PlannedJob(id, namePrefix + job.displayName(), waits, instances));
      placed.put(id, new PlacedJob(id, job, spec, call, jobAfter, inner, true));
    }
  }

  /** The called workflow, checked against its caller; null when a problem was recorded. */
  private WorkflowSpec called(
      WorkflowSpec spec, JobSpec job, WorkflowRef ref, List<WorkflowRef> chain) {
    String path = chainText(chain, ref);
    if (chain.contains(ref)) {
      problem(
          spec,
          job,
          "reusable workflows call each other in a cycle: " + path,
          "a workflow cannot call itself, directly or through others");
      return null;
    }
    if (chain.size() + 1 > MAX_LEVELS) {
      problem(
          spec,
          job,
          "reusable workflows nest more than " + MAX_LEVELS + " levels: " + path,
          "GitHub connects at most "
              + MAX_LEVELS
              + " levels of workflows: the top-level caller and up to "
              + (MAX_LEVELS - 1)
              + " levels of reusable workflows");
      return null;
    }
    WorkflowSpec called = load(spec, job, ref);
    if (called == null) {
      return null;
    }
    if (called.call() == null) {
      problem(
          spec,
          job,
          ref + " is not a reusable workflow: its 'on' has no 'workflow_call'",
          "add 'on: workflow_call' to " + ref);
      return null;
    }
    int before = problems.size();
    checkInputs(spec, job, ref, called.call());
    checkSecrets(spec, job, ref, called.call());
    return problems.size() == before ? called : null;
  }

  private WorkflowSpec load(WorkflowSpec spec, JobSpec job, WorkflowRef ref) {
    WorkflowSpec known = parsed.get(ref);
    if (known != null) {
      return known;
    }
    String text;
    try {
      text = source.read(ref);
    } catch (CiException e) {
      if (e.code() != ErrorCode.NOT_FOUND) {
        throw e;
      }
      problem(spec, job, "cannot find the called workflow " + ref + ": " + e.getMessage(), null);
      return null;
    }
    WorkflowSpec called = new WorkflowParser().parse(text, ref.toString());
    PLANNER.plan(called); // its own needs cycles, reported at its own positions
    parsed.put(ref, called);
    return called;
  }

  /**
   * The caller's {@code with:} against the called workflow's inputs: unknown names, required ones
   * missing, and literal values of the wrong type ("Passing inputs and secrets to a reusable
   * workflow"); values that are expressions are checked when they are evaluated.
   */
  private void checkInputs(WorkflowSpec spec, JobSpec job, WorkflowRef ref, WorkflowCall call) {
    Map<String, Object> with = job.with() == null ? Map.of() : job.with();
    with.forEach(
        (name, value) -> {
          WorkflowCall.Input input = call.inputs().get(name);
          if (input == null) {
            problem(
                spec,
                job,
                "'with." + name + "': " + ref + " has no input '" + name + "'",
                hint(name, call.inputs().keySet()));
          } else if (!(value instanceof String s && s.contains("${{"))
              && input.refuses(value) != null) {
            problem(spec, job, "'with." + name + "': " + ref + ": " + input.refuses(value), null);
          }
        });
    call.inputs().values().stream()
        .filter(i -> i.required() && !with.containsKey(i.id()))
        .forEach(
            i ->
                problem(
                    spec,
                    job,
                    ref + " requires input '" + i.id() + "'",
                    "add it to the 'with:' of job '" + job.id() + "'"));
  }

  private void checkSecrets(WorkflowSpec spec, JobSpec job, WorkflowRef ref, WorkflowCall call) {
    if (!(job.secrets() instanceof Map<?, ?> given)) {
      if (job.secrets() == null) {
        call.secrets().values().stream()
            .filter(WorkflowCall.Secret::required)
            .forEach(
                s ->
                    problem(
                        spec,
                        job,
                        ref + " requires secret '" + s.id() + "'",
                        "pass it under 'secrets:' (or 'secrets: inherit')"));
      }
      return; // inherit: every secret of the caller is passed
    }
    for (Object name : given.keySet()) {
      if (!call.secrets().containsKey(String.valueOf(name))) {
        problem(
            spec,
            job,
            "'secrets." + name + "': " + ref + " has no secret '" + name + "'",
            hint(String.valueOf(name), call.secrets().keySet()));
      }
    }
    call.secrets().values().stream()
        .filter(s -> s.required() && !given.containsKey(s.id()))
        .forEach(s -> problem(spec, job, ref + " requires secret '" + s.id() + "'", null));
  }

  private static String hint(String name, java.util.Set<String> known) {
    String closest = Suggestions.closest(name, List.copyOf(known));
    if (closest != null) {
      return "did you mean '" + closest + "'?";
    }
    return known.isEmpty() ? "it declares none" : "it declares " + String.join(", ", known);
  }

  private static String chainText(List<WorkflowRef> chain, WorkflowRef next) {
    return Stream.concat(chain.stream(), Stream.of(next))
        .map(WorkflowRef::toString)
        .collect(Collectors.joining(" → "));
  }

  private void problem(WorkflowSpec spec, JobSpec job, String message, String hint) {
    SourcePos pos = job.pos() != null ? job.pos() : new SourcePos(spec.path(), 1, 1);
    problems.add(new Diagnostic(pos.file(), pos.line(), pos.column(), message, hint));
  }
}
