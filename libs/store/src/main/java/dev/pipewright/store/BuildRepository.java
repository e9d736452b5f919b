package dev.pipewright.store;

import static dev.pipewright.store.Rows.NOW;
import static dev.pipewright.store.Rows.name;
import static dev.pipewright.store.Rows.names;
import static dev.pipewright.store.jooq.Tables.BUILDS;
import static dev.pipewright.store.jooq.Tables.BUILD_JOBS;
import static dev.pipewright.store.jooq.Tables.OUTBOX;

import dev.pipewright.models.BuildStatus;
import dev.pipewright.models.CiException;
import dev.pipewright.models.ErrorCode;
import dev.pipewright.models.JobStatus;
import dev.pipewright.secrets.SecretBox;
import dev.pipewright.secrets.SecretException;
import dev.pipewright.store.jooq.tables.records.BuildsRecord;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.UpdateConditionStep;
import org.jooq.UpdateSetMoreStep;
import org.jooq.impl.DSL;
import org.jooq.types.DayToSecond;

/**
 * Builds: creation with the outbox row, views for the API, and every status move as a guarded
 * update ({@code WHERE status IN sourcesOf(target)}), so an illegal move is refused, not written.
 */
public final class BuildRepository {
  static final int MAX_PAGE_SIZE = 500;
  static final int DEFAULT_PAGE_SIZE = 50;

  private final DSLContext dsl;
  private final BuildSecrets secrets;
  private final BuildReruns reruns;

  /** {@link #find}'s statement: every GetBuild makes it, polling clients many per build. */
  private final RenderedQuery findQuery;

  private final RenderedQuery findRowQuery;

  /** A repository without a secret key: builds with secret variables are refused. */
  public BuildRepository(DSLContext dsl) {
    this(dsl, Optional.empty());
  }

  /**
   * @param secretBox seals secret values on {@link #create} and opens them in {@link #openSecrets};
   *     empty: builds with secrets are refused
   */
  public BuildRepository(DSLContext dsl, Optional<SecretBox> secretBox) {
    this.dsl = Objects.requireNonNull(dsl);
    this.secrets = new BuildSecrets(Objects.requireNonNull(secretBox));
    this.reruns = new BuildReruns(dsl, secrets);
    this.findQuery =
        new RenderedQuery(dsl, Rows.buildWithJobsQuery(dsl, DSL.param("id", BUILDS.ID)));
    this.findRowQuery =
        new RenderedQuery(
            dsl, dsl.selectFrom(BUILDS).where(BUILDS.ID.eq(DSL.param("id", BUILDS.ID))));
  }

  /**
   * Inserts the build as PENDING plus its outbox row in one transaction and numbers it within its
   * pipeline. With an idempotency key already used in the pipeline, returns that build instead
   * ({@code existing = true}) and writes nothing. Secret values are stored only sealed for the
   * build (see {@link #openSecrets}).
   *
   * @throws CiException CONFLICT when the build has secret variables and this repository has no
   *     secret key; the message says how to make one
   */
  public CreatedBuild create(NewBuild build) {
    Objects.requireNonNull(build);
    return Admission.create(dsl, secrets, List.of(build)).get(0);
  }

  /**
   * {@link #create}s several builds in one statement and one transaction (all or none), returning
   * the outcomes in the order of {@code builds}. A request repeating an earlier one's pipeline and
   * idempotency key gets that build, as existing. Numbers follow the list order within each
   * pipeline.
   */
  public List<CreatedBuild> createAll(List<NewBuild> builds) {
    builds.forEach(Objects::requireNonNull);
    return builds.isEmpty() ? List.of() : Admission.create(dsl, secrets, builds);
  }

  /**
   * Runs a finished build again as its next attempt ({@link BuildReruns}): every job, or only its
   * failed and cancelled ones and what depends on them.
   *
   * @param secretValues a value for each of the build's secret variables, erased when it finished
   * @throws CiException NOT_FOUND for an unknown build; CONFLICT for one that has not finished, or
   *     with nothing failed to re-run; INVALID_SPEC for missing or unknown secret values
   */
  public Rerun rerun(UUID id, boolean failedOnly, Map<String, String> secretValues) {
    return reruns.rerun(id, failedOnly, secretValues);
  }

  /**
   * The secret values of a build read here, in clear, by name: for the worker that runs it, to hand
   * to its runner and mask in its logs. A finished build has none (they are erased in the statement
   * that finishes it).
   *
   * @throws SecretException when a value cannot be opened (no key, its key not loaded, altered,
   *     missing); the message names the variable and key id, never a value
   */
  public Map<String, String> openSecrets(BuildView build) {
    return secrets.open(build);
  }

  /**
   * The build with its jobs (plan order) and their steps (in order), read by one statement: one
   * round trip, and the jobs are as current as the build (a finished build's jobs are all finished
   * too).
   */
  public Optional<BuildView> find(UUID id) {
    return StoreErrors.call(() -> Rows.buildWithJobs(findQuery.fetch(dsl, id)));
  }

  /** The build's own row, without its jobs: one cheap read for who needs only its status. */
  public Optional<BuildView> findRow(UUID id) {
    return StoreErrors.call(
        () ->
            findRowQuery.fetch(dsl, id).stream()
                .findFirst()
                .map(r -> Rows.build(r.into(BUILDS), List.of())));
  }

  /**
   * The ids of at most {@code limit} builds that start with {@code prefix}, in id order: one index
   * range read, however many builds there are.
   */
  public List<UUID> idsStartingWith(IdPrefix prefix, int limit) {
    return StoreErrors.call(
        () ->
            dsl.select(BUILDS.ID)
                .from(BUILDS)
                .where(BUILDS.ID.between(prefix.lowest(), prefix.highest()))
                .orderBy(BUILDS.ID)
                .limit(limit)
                .fetch(BUILDS.ID));
  }

  /**
   * Builds newest first, optionally of one pipeline and in some statuses (empty set: any), without
   * their jobs. {@code pageToken} is empty/null for the first page or a previous page's {@link
   * BuildPage#nextPageToken()}; {@code pageSize} &lt;= 0 means the default (50), larger than 500 is
   * capped.
   *
   * @throws CiException INVALID_SPEC for a token this repository did not make
   */
  public BuildPage list(
      String pipelineId, Set<BuildStatus> statuses, String pageToken, int pageSize) {
    return list(pipelineId, statuses, null, pageToken, pageSize);
  }

  /**
   * As {@link #list(String, Set, String, int)}, only builds of {@code branch} when it is given: a
   * repository ref {@code refs/heads/<branch>}, or the bare name as a client may have sent it.
   */
  public BuildPage list(
      String pipelineId, Set<BuildStatus> statuses, String branch, String pageToken, int pageSize) {
    int size = pageSize <= 0 ? DEFAULT_PAGE_SIZE : Math.min(pageSize, MAX_PAGE_SIZE);
    Condition where = DSL.noCondition();
    if (pipelineId != null && !pipelineId.isEmpty()) {
      where = where.and(BUILDS.PIPELINE_ID.eq(pipelineId));
    }
    if (statuses != null && !statuses.isEmpty()) {
      where = where.and(BUILDS.STATUS.in(names(statuses)));
    }
    if (branch != null && !branch.isEmpty()) {
      where = where.and(BUILDS.REPOSITORY_REF.in(branch, "refs/heads/" + branch));
    }
    PageToken after = pageToken == null || pageToken.isEmpty() ? null : PageToken.decode(pageToken);
    if (after != null) {
      where =
          where.and(
              DSL.row(BUILDS.CREATED_AT, BUILDS.ID)
                  .lt(after.createdAt().atOffset(ZoneOffset.UTC), after.id()));
    }
    Condition filter = where;
    List<BuildsRecord> rows =
        StoreErrors.call(
            () ->
                dsl.selectFrom(BUILDS)
                    .where(filter)
                    .orderBy(BUILDS.CREATED_AT.desc(), BUILDS.ID.desc())
                    .limit(size + 1)
                    .fetch());
    List<BuildView> builds = new ArrayList<>(Math.min(rows.size(), size));
    for (int i = 0; i < rows.size() && i < size; i++) {
      builds.add(Rows.build(rows.get(i), List.of()));
    }
    String next = "";
    if (rows.size() > size) {
      BuildView last = builds.get(builds.size() - 1);
      next = new PageToken(last.createdAt(), last.id()).encode();
    }
    return new BuildPage(List.copyOf(builds), next);
  }

  /**
   * Moves the build to {@code to} if that is legal from its current status, stamping the matching
   * time (queued, started, finished). {@code code}/{@code message} (nullable) record why a build
   * failed or was cancelled.
   *
   * @return false when the build is unknown or the move is illegal from its current status
   */
  public boolean transition(UUID id, BuildStatus to, ErrorCode code, String message) {
    return StoreErrors.call(() -> guarded(dsl, id, to, code, message, DSL.noCondition()) == 1);
  }

  /**
   * Finishes a build only while {@code owner} still holds its lease: a worker whose lease expired
   * (and whose build another worker may have taken over) cannot overwrite the outcome.
   */
  public Optional<RunTimes> finish(
      UUID id, String owner, BuildStatus to, ErrorCode code, String message) {
    if (!to.terminal()) {
      throw new IllegalArgumentException(to + " is not a terminal status");
    }
    return StoreErrors.call(
        () ->
            guardedUpdate(dsl, id, to, code, message, BUILDS.LEASE_OWNER.eq(owner))
                .returningResult(BUILDS.STARTED_AT, BUILDS.FINISHED_AT)
                .fetchOptional(r -> RunTimes.of(r.value1(), r.value2())));
  }

  private static int guarded(
      DSLContext ctx, UUID id, BuildStatus to, ErrorCode code, String message, Condition extra) {
    return guardedUpdate(ctx, id, to, code, message, extra).execute();
  }

  private static UpdateConditionStep<BuildsRecord> guardedUpdate(
      DSLContext ctx, UUID id, BuildStatus to, ErrorCode code, String message, Condition extra) {
    UpdateSetMoreStep<BuildsRecord> update = ctx.update(BUILDS).set(BUILDS.STATUS, to.name());
    switch (to) {
      case QUEUED ->
          update
              .set(BUILDS.QUEUED_AT, NOW)
              .setNull(BUILDS.LEASE_OWNER)
              .setNull(BUILDS.LEASE_EXPIRES_AT);
      case RUNNING -> update.set(BUILDS.STARTED_AT, DSL.coalesce(BUILDS.STARTED_AT, NOW));
      default -> {
        if (to.terminal()) {
          // Erased in the statement that finishes the build: no finished build keeps a sealed
          // secret (re-runs of a finished build do not exist; they would have to bring theirs).
          update
              .set(BUILDS.FINISHED_AT, NOW)
              .setNull(BUILDS.LEASE_EXPIRES_AT)
              .setNull(BUILDS.SECRETS);
        }
      }
    }
    if (code != null || message != null) {
      update.set(BUILDS.ERROR_CODE, name(code)).set(BUILDS.ERROR_MESSAGE, message);
    }
    return update
        .where(BUILDS.ID.eq(id))
        .and(BUILDS.STATUS.in(names(BuildStatus.TRANSITIONS.sourcesOf(to))))
        .and(extra);
  }

  /**
   * QUEUED → RUNNING for {@code owner}, holding a lease until now + {@code lease}; counts the
   * attempt.
   *
   * @return false when the build is not QUEUED (already claimed, finished, cancelled or unknown)
   */
  public boolean claim(UUID id, String owner, Duration lease) {
    return claimRow(id, owner, lease).isPresent();
  }

  /**
   * {@link #claim}, with the claimed build's row (without its jobs) as the claim left it: what the
   * worker needs of a build it claims (its queue lag, its PipelineRun) comes back with the update
   * instead of a second read on the delivery's path.
   *
   * @return empty when the build is not QUEUED (already claimed, finished, cancelled or unknown)
   */
  public Optional<BuildView> claimRow(UUID id, String owner, Duration lease) {
    Objects.requireNonNull(owner);
    return StoreErrors.call(
        () ->
            dsl.update(BUILDS)
                .set(BUILDS.STATUS, BuildStatus.RUNNING.name())
                .set(BUILDS.LEASE_OWNER, owner)
                .set(BUILDS.LEASE_EXPIRES_AT, NOW.plus(DayToSecond.valueOf(lease)))
                .set(BUILDS.ATTEMPT, BUILDS.ATTEMPT.plus(1))
                .set(BUILDS.STARTED_AT, DSL.coalesce(BUILDS.STARTED_AT, NOW))
                .where(BUILDS.ID.eq(id))
                .and(
                    BUILDS.STATUS.in(names(BuildStatus.TRANSITIONS.sourcesOf(BuildStatus.RUNNING))))
                .returning()
                .fetchOptional()
                .map(r -> Rows.build(r, List.of())));
  }

  /**
   * Extends {@code owner}'s lease to now + {@code lease}.
   *
   * @return false when the build is no longer RUNNING under that owner: stop working on it
   */
  public boolean renewLease(UUID id, String owner, Duration lease) {
    return StoreErrors.call(
        () ->
            dsl.update(BUILDS)
                    .set(BUILDS.LEASE_EXPIRES_AT, NOW.plus(DayToSecond.valueOf(lease)))
                    .where(BUILDS.ID.eq(id))
                    .and(BUILDS.STATUS.eq(BuildStatus.RUNNING.name()))
                    .and(BUILDS.LEASE_OWNER.eq(owner))
                    .execute()
                == 1);
  }

  /** RUNNING builds whose lease has expired, oldest expiry first. */
  public List<UUID> expiredLeases(int limit) {
    return StoreErrors.call(
        () ->
            dsl.select(BUILDS.ID)
                .from(BUILDS)
                .where(leaseExpired())
                .orderBy(BUILDS.LEASE_EXPIRES_AT)
                .limit(limit)
                .fetch(BUILDS.ID));
  }

  /**
   * Hands a build whose lease expired back to the queue: RUNNING → QUEUED plus a new outbox row, in
   * one transaction.
   *
   * @return false when the build is not RUNNING with an expired lease (renewed, finished, gone)
   */
  public boolean requeueExpired(UUID id) {
    return StoreErrors.call(
        () ->
            dsl.transactionResult(
                cfg -> {
                  DSLContext tx = cfg.dsl();
                  int moved = guarded(tx, id, BuildStatus.QUEUED, null, null, leaseExpired());
                  if (moved == 1) {
                    OutboxRepository.enqueue(tx, id, OutboxKind.REQUEUE);
                  }
                  return moved == 1;
                }));
  }

  private static Condition leaseExpired() {
    return BUILDS.STATUS.eq(BuildStatus.RUNNING.name()).and(BUILDS.LEASE_EXPIRES_AT.lt(NOW));
  }

  /**
   * Cancels a build. One that has not started (PENDING, QUEUED) is CANCELLED at once with its
   * unfinished jobs and steps, and its unpublished outbox rows are dropped; a RUNNING one gets
   * {@code cancel_requested_at} and its worker finishes the cancel.
   *
   * @throws CiException NOT_FOUND for an unknown build, CONFLICT for a finished one
   */
  public CancelOutcome requestCancel(UUID id) {
    return requestCancel(id, null);
  }

  /**
   * {@link #requestCancel(UUID)}, recording {@code reason} (null for none) unless an earlier
   * request recorded one.
   */
  public CancelOutcome requestCancel(UUID id, String reason) {
    return StoreErrors.call(
        () -> dsl.transactionResult(cfg -> requestCancel(cfg.dsl(), id, reason)));
  }

  private static CancelOutcome requestCancel(DSLContext tx, UUID id, String reason) {
    // The outbox relay locks outbox rows, then updates their builds. Taking the locks in the same
    // order (this build's outbox rows, then its row) means a cancel waits for a relay that holds
    // the build's row in its batch instead of deadlocking with it; a row the relay published
    // meanwhile is gone, and the build is QUEUED by then.
    tx.select(OUTBOX.ID).from(OUTBOX).where(OUTBOX.BUILD_ID.eq(id)).forUpdate().fetch();
    String current =
        tx.select(BUILDS.STATUS)
            .from(BUILDS)
            .where(BUILDS.ID.eq(id))
            .forNoKeyUpdate()
            .fetchOptional(BUILDS.STATUS)
            .orElseThrow(() -> new CiException(ErrorCode.NOT_FOUND, "no build " + id));
    BuildStatus status = BuildStatus.valueOf(current);
    if (status.terminal()) {
      throw new CiException(ErrorCode.CONFLICT, "build " + id + " already finished: " + status);
    }
    if (status == BuildStatus.RUNNING) {
      tx.update(BUILDS)
          .set(BUILDS.CANCEL_REQUESTED_AT, DSL.coalesce(BUILDS.CANCEL_REQUESTED_AT, NOW))
          .set(BUILDS.CANCEL_REASON, DSL.coalesce(BUILDS.CANCEL_REASON, DSL.val(reason)))
          .where(BUILDS.ID.eq(id))
          .execute();
      return CancelOutcome.CANCEL_REQUESTED;
    }
    String message = "cancelled before it started";
    guarded(tx, id, BuildStatus.CANCELLED, ErrorCode.CANCELLED, message, DSL.noCondition());
    tx.update(BUILDS)
        .set(BUILDS.CANCEL_REQUESTED_AT, NOW)
        .set(BUILDS.CANCEL_REASON, reason)
        .where(BUILDS.ID.eq(id))
        .execute();
    JobCascade.close(
        tx, BUILD_JOBS.BUILD_ID.eq(id), JobStatus.CANCELLED, ErrorCode.CANCELLED, message);
    tx.deleteFrom(OUTBOX).where(OUTBOX.BUILD_ID.eq(id)).execute();
    return CancelOutcome.CANCELLED;
  }
}
