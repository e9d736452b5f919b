package dev.pipewright.executor;

import dev.pipewright.parser.spec.JobSpec;
import dev.pipewright.parser.spec.WorkflowSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * Everything a runner needs to run one job instance, resolved by the orchestrator: the runner reads
 * no database and evaluates only what GitHub evaluates on the runner (step {@code if:}, env,
 * scripts, {@code with:}, job {@code outputs:}, timeouts).
 *
 * @param ref build id and job key ({@code "test"} or {@code "test.2"})
 * @param runNumber {@code github.run_number}
 * @param attempt {@code github.run_attempt}, 1-based
 * @param job the job, before matrix expansion (the instance's values are in {@code matrix})
 * @param workflow the workflow, for its {@code env:} and {@code defaults:}
 * @param matrix this instance's matrix combination, empty without a matrix
 * @param strategy this instance's position among its matrix siblings
 * @param needs job id → result and outputs, for every job in {@code job.needs()}
 * @param vars the {@code vars} context
 * @param secrets the {@code secrets} context; every value is masked in logs and results
 * @param inputs the {@code inputs} context (workflow_dispatch / workflow_call), may be empty
 * @param repository what {@code actions/checkout} fetches, and the {@code github.*} repo fields
 * @param github extra {@code github} context fields (event_name, actor, event...), laid over the
 *     ones the runner derives
 * @param workspace the name of the build's shared workspace: a directory under the local runner's
 *     root, a PVC for the Kubernetes runner; by default the build id
 * @param maxTimeout a ceiling on the job's {@code timeout-minutes} imposed by policy, or null
 * @param logCursors step number → last log chunk seq already stored, so a restarted writer goes on
 *     numbering after it (absent: start at 1)
 * @param logSources step number → how far into the step's command output its stored log reaches
 *     ({@link LogChunk#sourceOffset} of its last chunk), for a worker that re-attaches to the step
 *     (absent: unknown, or nothing stored)
 * @param rerun whether this attempt was asked for by a re-run of the finished build, rather than
 *     being the first or a new one after the earlier was lost
 * @param services the token and URL of the artifact and cache services, or null where there are
 *     none (pipewright run, a worker without a results URL)
 */
public record JobRun(
    JobRef ref,
    long runNumber,
    int attempt,
    JobSpec job,
    WorkflowSpec workflow,
    Map<String, Object> matrix,
    StrategyContext strategy,
    Map<String, NeedResult> needs,
    Map<String, String> vars,
    Map<String, String> secrets,
    Map<String, Object> inputs,
    RepositoryRef repository,
    Map<String, Object> github,
    String workspace,
    Duration maxTimeout,
    Map<Integer, Long> logCursors,
    Map<Integer, Long> logSources,
    boolean rerun,
    RuntimeServices services) {

  /** The default job timeout of GitHub: 360 minutes. */
  public static final Duration DEFAULT_JOB_TIMEOUT = Duration.ofMinutes(360);

  public JobRun {
    Objects.requireNonNull(ref, "ref");
    Objects.requireNonNull(job, "job");
    Objects.requireNonNull(workflow, "workflow");
    matrix = unmodifiable(matrix);
    strategy = strategy == null ? StrategyContext.SINGLE : strategy;
    needs = unmodifiable(needs);
    vars = unmodifiable(vars);
    secrets = unmodifiable(secrets);
    inputs = unmodifiable(inputs);
    repository = repository == null ? new RepositoryRef(null, null, null, null) : repository;
    github = unmodifiable(github);
    workspace = workspace == null ? ref.buildId() : workspace;
    logCursors = unmodifiable(logCursors);
    logSources = unmodifiable(logSources);
  }

  public String buildId() {
    return ref.buildId();
  }

  public String jobKey() {
    return ref.jobKey();
  }

  /** The last stored seq of a step's log (0 if none): the next chunk gets this + 1. */
  public long logCursor(int stepNumber) {
    return logCursors.getOrDefault(stepNumber, 0L);
  }

  /**
   * How far into step {@code stepNumber}'s command output its stored log reaches: 0 when nothing of
   * the step is stored, empty when chunks are stored but do not say (written before offsets were
   * stored).
   */
  public OptionalLong logSource(int stepNumber) {
    Long source = logSources.get(stepNumber);
    if (source != null) {
      return OptionalLong.of(source);
    }
    return logCursor(stepNumber) == 0 ? OptionalLong.of(0) : OptionalLong.empty();
  }

  public static Builder builder(JobRef ref, WorkflowSpec workflow, JobSpec job) {
    return new Builder(ref, workflow, job);
  }

  /** Keeps secret values out of log lines that print a run. */
  @Override
  public String toString() {
    return "JobRun[" + ref + ", attempt " + attempt + ", " + secrets.size() + " secrets]";
  }

  /** The values masked in the job's logs: the secrets and the runtime token. */
  public List<String> maskedValues() {
    List<String> values = new ArrayList<>(secrets.values());
    if (services != null) {
      values.add(services.token());
    }
    return values;
  }

  // Insertion order matters for people reading contexts; Map.copyOf would lose it and reject nulls.
  private static <K, V> Map<K, V> unmodifiable(Map<K, V> m) {
    return m == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(m));
  }

  /** Fluent construction; everything but the ref, workflow and job is optional. */
  public static final class Builder {
    private final JobRef ref;
    private final WorkflowSpec workflow;
    private final JobSpec job;
    private long runNumber = 1;
    private int attempt = 1;
    private Map<String, Object> matrix = Map.of();
    private StrategyContext strategy = StrategyContext.SINGLE;
    private Map<String, NeedResult> needs = Map.of();
    private Map<String, String> vars = Map.of();
    private Map<String, String> secrets = Map.of();
    private Map<String, Object> inputs = Map.of();
    private RepositoryRef repository;
    private Map<String, Object> github = Map.of();
    private String workspace;
    private Duration maxTimeout;
    private Map<Integer, Long> logCursors = Map.of();
    private Map<Integer, Long> logSources = Map.of();
    private boolean rerun;
    private RuntimeServices services;

    private Builder(JobRef ref, WorkflowSpec workflow, JobSpec job) {
      this.ref = ref;
      this.workflow = workflow;
      this.job = job;
    }

    public Builder runNumber(long v) {
      this.runNumber = v;
      return this;
    }

    public Builder attempt(int v) {
      this.attempt = v;
      return this;
    }

    public Builder matrix(Map<String, Object> v) {
      this.matrix = v;
      return this;
    }

    public Builder strategy(StrategyContext v) {
      this.strategy = v;
      return this;
    }

    public Builder needs(Map<String, NeedResult> v) {
      this.needs = v;
      return this;
    }

    public Builder vars(Map<String, String> v) {
      this.vars = v;
      return this;
    }

    public Builder secrets(Map<String, String> v) {
      this.secrets = v;
      return this;
    }

    public Builder inputs(Map<String, Object> v) {
      this.inputs = v;
      return this;
    }

    public Builder repository(RepositoryRef v) {
      this.repository = v;
      return this;
    }

    public Builder github(Map<String, Object> v) {
      this.github = v;
      return this;
    }

    public Builder workspace(String v) {
      this.workspace = v;
      return this;
    }

    public Builder maxTimeout(Duration v) {
      this.maxTimeout = v;
      return this;
    }

    public Builder logCursors(Map<Integer, Long> v) {
      this.logCursors = v;
      return this;
    }

    public Builder logSources(Map<Integer, Long> v) {
      this.logSources = v;
      return this;
    }

    public Builder rerun(boolean v) {
      this.rerun = v;
      return this;
    }

    public Builder services(RuntimeServices v) {
      this.services = v;
      return this;
    }

    public JobRun build() {
      return new JobRun(
          ref,
          runNumber,
          attempt,
          job,
          workflow,
          matrix,
          strategy,
          needs,
          vars,
          secrets,
          inputs,
          repository,
          github,
          workspace,
          maxTimeout,
          logCursors,
          logSources,
          rerun,
          services);
    }
  }
}
