package dev.pipewright.pipeline.worker;

import dev.pipewright.executor.Annotation;
import dev.pipewright.executor.RepositoryRef;
import dev.pipewright.executor.StepResult;
import dev.pipewright.models.BuildStatus;
import dev.pipewright.models.ErrorCode;
import dev.pipewright.models.JobStatus;
import dev.pipewright.models.StepStatus;
import dev.pipewright.ops.metrics.PipewrightMetrics;
import dev.pipewright.pipeline.orchestrator.BuildRecord;
import dev.pipewright.pipeline.orchestrator.NewJob;
import dev.pipewright.pipeline.orchestrator.RunStore;
import dev.pipewright.pipeline.reconcile.InstanceState;
import dev.pipewright.secrets.SecretException;
import dev.pipewright.store.BuildRepository;
import dev.pipewright.store.BuildView;
import dev.pipewright.store.JobRepository;
import dev.pipewright.store.JobView;
import dev.pipewright.store.LogRepository;
import dev.pipewright.store.NewStep;
import dev.pipewright.store.RunTimes;
import dev.pipewright.store.StepAnnotation;
import dev.pipewright.store.StepView;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.jooq.DSLContext;

/**
 * {@link RunStore} over the store's repositories, for one worker: finishing a build is guarded by
 * this worker's lease, so a worker that lost a build cannot overwrite its successor's outcome.
 */
public final class JdbcRunStore implements RunStore {
  private final BuildRepository builds;
  private final JobRepository jobs;
  private final LogRepository logs;
  private final String owner;
  private final PipewrightMetrics metrics;

  /**
   * Job row ids by build and key. A key keeps its row; an expanded matrix adds keys, which a miss
   * reloads.
   */
  private final Map<String, Map<String, UUID>> rowIds = new ConcurrentHashMap<>();

  /** A store without a secret key: builds with secrets fail, saying so. */
  public JdbcRunStore(DSLContext dsl, String owner) {
    this(new BuildRepository(dsl), dsl, owner, null);
  }

  /**
   * @param builds the builds, with the secret key that opens their sealed secrets
   * @param metrics counts each build, job and step that this store moved to a terminal state, with
   *     the run time stored on its row; null for none
   */
  public JdbcRunStore(
      BuildRepository builds, DSLContext dsl, String owner, PipewrightMetrics metrics) {
    this.builds = builds;
    this.jobs = new JobRepository(dsl);
    this.logs = new LogRepository(dsl);
    this.owner = owner;
    this.metrics = metrics;
  }

  @Override
  public BuildRecord build(String buildId) {
    return builds.findRow(UUID.fromString(buildId)).map(this::record).orElse(null);
  }

  /**
   * The build with its secrets opened: in clear in this process only, handed to the runner and the
   * masker, never written back. One that cannot be opened leaves the record's secrets empty and
   * says why, so the orchestrator fails the build instead of running it without them.
   */
  private BuildRecord record(BuildView b) {
    Map<String, String> vars = new LinkedHashMap<>();
    b.variables()
        .forEach(
            (name, v) -> {
              if (!v.secret()) {
                vars.put(name, v.value());
              }
            });
    Map<String, String> secrets = Map.of();
    String secretsError = null;
    try {
      secrets = builds.openSecrets(b);
    } catch (SecretException e) {
      secretsError = e.getMessage();
    }
    return new BuildRecord(
        b.id().toString(),
        b.number(),
        b.status(),
        b.workflowYaml(),
        b.workflowPath(),
        new RepositoryRef(b.repositoryUrl(), null, b.repositoryRef(), b.repositorySha()),
        vars,
        secrets,
        b.cancelRequested(),
        secretsError);
  }

  @Override
  public void createJobs(String buildId, List<NewJob> newJobs) {
    jobs.createPlan(UUID.fromString(buildId), storeJobs(newJobs));
  }

  private static List<dev.pipewright.store.NewJob> storeJobs(List<NewJob> newJobs) {
    return newJobs.stream()
        .map(
            j ->
                new dev.pipewright.store.NewJob(
                    j.key(),
                    j.jobId(),
                    j.name(),
                    j.matrix(),
                    j.needs(),
                    j.stepNames().stream().map(NewStep::new).toList()))
        .toList();
  }

  @Override
  public boolean expandJob(String buildId, String placeholderKey, List<NewJob> instances) {
    return jobs.expand(UUID.fromString(buildId), placeholderKey, storeJobs(instances));
  }

  @Override
  public List<InstanceState> jobs(String buildId) {
    List<JobView> views = jobs.jobs(UUID.fromString(buildId));
    Map<String, UUID> ids = new HashMap<>();
    views.forEach(v -> ids.put(v.key(), v.id()));
    rowIds.put(buildId, ids);
    return views.stream()
        .map(
            v ->
                new InstanceState(
                    v.key(),
                    v.jobId(),
                    v.matrix(),
                    v.status(),
                    // The store counts attempts when a job leaves PENDING: a pending one is on
                    // the next, its first unless a re-run of the build reset it.
                    v.status() == JobStatus.PENDING ? v.attempt() + 1 : Math.max(1, v.attempt()),
                    v.errorCode(),
                    v.errorMessage(),
                    v.outputs(),
                    v.finishedAt()))
        .toList();
  }

  @Override
  public boolean moveJob(
      String buildId,
      String key,
      JobStatus to,
      ErrorCode code,
      String message,
      Map<String, String> outputs) {
    UUID id = rowId(buildId, key);
    if (id == null) {
      return false;
    }
    boolean closesSteps = to == JobStatus.CANCELLED || to == JobStatus.SKIPPED;
    if (metrics == null || !closesSteps) {
      Optional<RunTimes> moved = jobs.transitionJob(id, to, code, message, outputs);
      if (metrics != null && to.terminal()) {
        moved.ifPresent(t -> metrics.jobFinished(to, t.ran()));
      }
      return moved.isPresent();
    }
    // Read before and after: closing the job also closes its unfinished steps, which count too.
    Map<Integer, StepStatus> before = stepStatuses(jobs.job(id).orElse(null));
    if (jobs.transitionJob(id, to, code, message, outputs).isEmpty()) {
      return false;
    }
    jobs.job(id).ifPresent(after -> recordJob(after, before));
    return true;
  }

  private static Map<Integer, StepStatus> stepStatuses(JobView job) {
    Map<Integer, StepStatus> statuses = new HashMap<>();
    if (job != null) {
      job.steps().forEach(s -> statuses.put(s.number(), s.status()));
    }
    return statuses;
  }

  private void recordJob(JobView after, Map<Integer, StepStatus> before) {
    metrics.jobFinished(after.status(), ran(after.startedAt(), after.finishedAt()));
    for (StepView step : after.steps()) {
      StepStatus was = before.get(step.number());
      if (step.status().terminal() && was != null && !was.terminal()) {
        metrics.stepFinished(step.status(), ran(step.startedAt(), step.finishedAt()));
      }
    }
  }

  private static Duration ran(Instant started, Instant finished) {
    return new RunTimes(started, finished).ran();
  }

  @Override
  public boolean restartJob(String buildId, String key, int attempt) {
    UUID id = rowId(buildId, key);
    return id != null && jobs.restart(id, attempt);
  }

  @Override
  public boolean closeJob(
      String buildId, String key, JobStatus target, ErrorCode code, String message) {
    return moveJob(buildId, key, target, code, message, null);
  }

  private static StepAnnotation stored(Annotation a) {
    return new StepAnnotation(
        a.levelName(),
        a.message(),
        a.file(),
        a.line(),
        a.column(),
        a.endLine(),
        a.endColumn(),
        a.title());
  }

  @Override
  public void addStep(String buildId, String key, int number, String name, int attempt) {
    UUID id = rowId(buildId, key);
    if (id != null) {
      jobs.addStep(id, number, name, attempt);
    }
  }

  @Override
  public boolean moveStep(
      String buildId, String key, int number, StepStatus to, StepResult result) {
    UUID id = rowId(buildId, key);
    if (id == null) {
      return false;
    }
    dev.pipewright.store.StepResult stored =
        result == null
            ? null
            : new dev.pipewright.store.StepResult(
                result.exitCode(),
                result.outcome(),
                result.conclusion(),
                result.errorCode(),
                result.errorMessage(),
                result.outputs(),
                result.annotations().stream().map(JdbcRunStore::stored).toList(),
                result.action(),
                result.actionSha(),
                result.subSteps());
    Optional<RunTimes> moved =
        to.endsARun()
            ? jobs.finishStep(id, number, to, stored)
            : jobs.transitionStep(id, number, to, stored);
    if (metrics != null && to.terminal()) {
      moved.ifPresent(t -> metrics.stepFinished(to, t.ran()));
    }
    return moved.isPresent();
  }

  @Override
  public boolean finishBuild(String buildId, BuildStatus status, ErrorCode code, String message) {
    Optional<RunTimes> finished =
        builds.finish(UUID.fromString(buildId), owner, status, code, message);
    if (metrics != null) {
      finished.ifPresent(t -> metrics.buildFinished(status, t.ran()));
    }
    return finished.isPresent();
  }

  @Override
  public Map<Integer, Long> logCursors(String buildId, String key) {
    return logs.lastSeqs(UUID.fromString(buildId), key);
  }

  @Override
  public Map<Integer, Long> logSources(String buildId, String key) {
    return logs.sourceOffsets(UUID.fromString(buildId), key);
  }

  @Override
  public void appendLog(String buildId, String key, String line) {
    UUID id = UUID.fromString(buildId);
    long seq = logs.lastSeqs(id, key).getOrDefault(0, 0L) + 1;
    logs.append(id, key, null, seq, line + "\n");
  }

  /** Forgets the cached row ids of a build this worker is done with. */
  public void forget(String buildId) {
    rowIds.remove(buildId);
  }

  private UUID rowId(String buildId, String key) {
    Map<String, UUID> ids = rowIds.get(buildId);
    if (ids == null || !ids.containsKey(key)) {
      jobs(buildId);
      ids = rowIds.get(buildId);
    }
    return ids.get(key);
  }
}
