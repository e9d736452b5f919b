package dev.pipewright.store;

import static dev.pipewright.store.jooq.Tables.BUILDS;
import static dev.pipewright.store.jooq.Tables.OUTBOX;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.pipewright.models.BuildStatus;
import dev.pipewright.models.CiException;
import dev.pipewright.models.ErrorCode;
import dev.pipewright.models.JobStatus;
import dev.pipewright.models.StepStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class BuildRepositoryIT {
  @RegisterExtension static final TestDatabase db = new TestDatabase();

  private final BuildRepository builds = new BuildRepository(db.dsl(), BuildSecretsIT.key());
  private final JobRepository jobs = new JobRepository(db.dsl());

  private static String pipeline() {
    return "p-" + UUID.randomUUID();
  }

  private static NewBuild build(String pipeline) {
    return new NewBuild(
        pipeline,
        "on: push\njobs: {}\n",
        ".github/workflows/ci.yml",
        "https://example.test/repo.git",
        "refs/heads/main",
        "0123abcd",
        Map.of("TOKEN", new Variable("s3cr3t", true), "MODE", new Variable("fast", false)),
        null);
  }

  private void force(UUID id, BuildStatus status) {
    db.dsl().update(BUILDS).set(BUILDS.STATUS, status.name()).where(BUILDS.ID.eq(id)).execute();
  }

  private BuildView get(UUID id) {
    return builds.find(id).orElseThrow();
  }

  @Test
  void createStoresPendingBuildWithOutboxRow() {
    String pipeline = pipeline();
    CreatedBuild created = builds.create(build(pipeline));

    assertThat(created.status()).isEqualTo(BuildStatus.PENDING);
    assertThat(created.number()).isEqualTo(1);
    assertThat(created.existing()).isFalse();
    BuildView view = get(created.id());
    assertThat(view.pipelineId()).isEqualTo(pipeline);
    assertThat(view.status()).isEqualTo(BuildStatus.PENDING);
    assertThat(view.workflowPath()).isEqualTo(".github/workflows/ci.yml");
    assertThat(view.repositorySha()).isEqualTo("0123abcd");
    assertThat(view.variables())
        .containsEntry("TOKEN", new Variable("", true))
        .containsEntry("MODE", new Variable("fast", false));
    assertThat(builds.openSecrets(view)).containsExactly(Map.entry("TOKEN", "s3cr3t"));
    assertThat(view.createdAt()).isNotNull();
    assertThat(view.queuedAt()).isNull();
    assertThat(view.jobs()).isEmpty();
    assertThat(
            db.dsl()
                .fetchCount(
                    OUTBOX,
                    OUTBOX.BUILD_ID.eq(created.id()).and(OUTBOX.KIND.eq(OutboxKind.START.name()))))
        .isEqualTo(1);
    assertThat(builds.create(build(pipeline)).number()).isEqualTo(2);
  }

  @Test
  void findOfUnknownBuildIsEmpty() {
    assertThat(builds.find(UUID.randomUUID())).isEmpty();
  }

  @Test
  void findReadsJobsAndStepsInPlanOrderWithEveryField() {
    String yaml = "name: \"CI ✓\" — it's 'quoted', back\\slash, 🚀\njobs: {}\n".repeat(60);
    UUID id =
        builds
            .create(
                new NewBuild(
                    pipeline(),
                    yaml,
                    null,
                    null,
                    null,
                    null,
                    Map.of("NOTE", new Variable("ünïcode \"and\" 'quotes'", false)),
                    null))
            .id();
    builds.transition(id, BuildStatus.QUEUED, null, null);
    builds.claim(id, "worker", Duration.ofMinutes(5));
    jobs.createPlan(
        id,
        List.of(
            new NewJob(
                "build",
                "build",
                "Build \"fast\" — ünïcode ✓ 'x'",
                null,
                null,
                List.of(new NewStep("checkout"), new NewStep("compile ✓"))),
            new NewJob("test", "test", null, null, List.of("build"), List.of(new NewStep("t"))),
            new NewJob("notify", "notify", null, null, List.of("test"), null)));
    Map<String, Object> mac = new LinkedHashMap<>();
    mac.put("os", "mac 🍎");
    mac.put("java", 25);
    mac.put("unset", null);
    // Instances sort by their position, not their (random) row ids.
    jobs.expand(
        id,
        "test",
        List.of(
            instance(1, Map.of("os", "linux", "java", 21, "flags", List.of("-ea", "\"q\""))),
            instance(2, mac),
            instance(3, Map.of("os", "windows", "java", 17))));
    UUID build = builds.find(id).orElseThrow().jobs().get(0).id();
    jobs.transitionJob(build, JobStatus.RUNNING);
    jobs.finishStep(
        build,
        1,
        StepStatus.SUCCEEDED,
        StepResult.exited(0, "success", "success", Map.of("sha", "ab\"c", "msg", "naïve ✓")));
    jobs.finishStep(
        build,
        2,
        StepStatus.FAILED,
        new StepResult(
            1,
            "failure",
            "failure",
            ErrorCode.PERMANENT,
            "can't \"compile\" ✗",
            Map.of(),
            List.of(
                ANNOTATION,
                new StepAnnotation("notice", "fyi", null, null, null, null, null, null))));
    jobs.transitionJob(
        build, JobStatus.FAILED, ErrorCode.PERMANENT, "step 2 ✗ 'failed'", Map.of("k", "v ✓"));
    builds.finish(id, "worker", BuildStatus.FAILED, ErrorCode.PERMANENT, "job \"build\" ✗ 🚀");

    BuildView view = builds.find(id).orElseThrow();

    assertThat(view).as("the two-statement read").isEqualTo(twoStatementRead(id));
    assertThat(view.workflowYaml()).isEqualTo(yaml);
    assertThat(view.variables())
        .containsEntry("NOTE", new Variable("ünïcode \"and\" 'quotes'", false));
    assertThat(view.errorMessage()).isEqualTo("job \"build\" ✗ 🚀");
    assertThat(view.queuedAt()).isNotNull();
    assertThat(view.cancelRequestedAt()).isNull();
    assertThat(view.jobs())
        .extracting(JobView::key)
        .containsExactly("build", "test.1", "test.2", "test.3", "notify");
    JobView built = view.jobs().get(0);
    assertThat(built.name()).isEqualTo("Build \"fast\" — ünïcode ✓ 'x'");
    assertThat(built.matrix()).isNull();
    assertThat(built.errorMessage()).isEqualTo("step 2 ✗ 'failed'");
    assertThat(built.outputs()).isEqualTo(Map.of("k", "v ✓"));
    assertThat(built.steps())
        .extracting(
            StepView::number,
            StepView::name,
            StepView::status,
            StepView::exitCode,
            StepView::errorMessage,
            StepView::outputs)
        .containsExactly(
            tuple(
                1,
                "checkout",
                StepStatus.SUCCEEDED,
                0,
                null,
                Map.of("sha", "ab\"c", "msg", "naïve ✓")),
            tuple(2, "compile ✓", StepStatus.FAILED, 1, "can't \"compile\" ✗", Map.of()));
    assertThat(built.steps()).allSatisfy(s -> assertThat(s.finishedAt()).isNotNull());
    assertThat(built.steps().get(0).annotations()).isEmpty();
    assertThat(built.steps().get(1).annotations())
        .containsExactly(
            ANNOTATION, new StepAnnotation("notice", "fyi", null, null, null, null, null, null));
    assertThat(view.jobs().get(1).matrix())
        .containsEntry("flags", List.of("-ea", "\"q\""))
        .containsEntry("java", 21);
    assertThat(view.jobs().get(2).matrix()).isEqualTo(mac);
    assertThat(view.jobs().get(2).needs()).containsExactly("build");
    assertThat(view.jobs().get(3).steps())
        .singleElement()
        .satisfies(
            s -> {
              assertThat(s.status()).isEqualTo(StepStatus.PENDING);
              assertThat(s.startedAt()).isNull();
              assertThat(s.finishedAt()).isNull();
              assertThat(s.exitCode()).isNull();
              assertThat(s.outputs()).isEmpty();
            });
    JobView notify = view.jobs().get(4);
    assertThat(notify.steps()).isEmpty();
    assertThat(notify.startedAt()).isNull();
    assertThat(notify.finishedAt()).isNull();
    assertThat(notify.runnerRef()).isNull();
  }

  private static NewJob instance(int n, Map<String, Object> matrix) {
    return new NewJob(
        "test." + n, "test", "Test " + n, matrix, List.of("build"), List.of(new NewStep("run")));
  }

  /** What find read before it was one statement: the build's row, then its jobs. */
  /** Every field set, with text PostgreSQL's jsonb must keep as it is. */
  private static final StepAnnotation ANNOTATION =
      new StepAnnotation("error", "can't \"link\" ✗\nat all", "src/a.c", 3, 5, 4, 9, "Link ✓");

  private BuildView twoStatementRead(UUID id) {
    return builds.findRow(id).orElseThrow().withJobs(jobs.jobs(id));
  }

  @Test
  void everyMoveIsAllowedExactlyWhenTheStateMachineSaysSo() {
    for (BuildStatus from : BuildStatus.values()) {
      for (BuildStatus to : BuildStatus.values()) {
        UUID id = builds.create(build(pipeline())).id();
        force(id, from);

        boolean moved = builds.transition(id, to, null, null);

        assertThat(moved)
            .as("%s -> %s", from, to)
            .isEqualTo(BuildStatus.TRANSITIONS.allowed(from, to));
        assertThat(get(id).status()).isEqualTo(moved ? to : from);
      }
    }
  }

  @Test
  void transitionStampsTimesAndRecordsTheError() {
    UUID id = builds.create(build(pipeline())).id();
    assertThat(builds.transition(id, BuildStatus.QUEUED, null, null)).isTrue();
    assertThat(get(id).queuedAt()).isNotNull();
    assertThat(builds.transition(id, BuildStatus.RUNNING, null, null)).isTrue();
    assertThat(get(id).startedAt()).isNotNull();
    assertThat(builds.transition(id, BuildStatus.FAILED, ErrorCode.TIMEOUT, "too slow")).isTrue();

    BuildView failed = get(id);
    assertThat(failed.finishedAt()).isNotNull();
    assertThat(failed.errorCode()).isEqualTo(ErrorCode.TIMEOUT);
    assertThat(failed.errorMessage()).isEqualTo("too slow");
    assertThat(builds.transition(id, BuildStatus.SUCCEEDED, null, null)).isFalse();
    assertThat(builds.transition(UUID.randomUUID(), BuildStatus.QUEUED, null, null)).isFalse();
  }

  @Test
  void concurrentCreatesWithOneKeyMakeOneBuild() throws Exception {
    String pipeline = pipeline();
    NewBuild request = build(pipeline).withIdempotencyKey("deliver-once");

    List<CreatedBuild> results = concurrently(20, () -> builds.create(request));

    assertThat(results.stream().map(CreatedBuild::id).distinct()).hasSize(1);
    assertThat(results.stream().filter(r -> !r.existing())).hasSize(1);
    assertThat(results).allSatisfy(r -> assertThat(r.number()).isEqualTo(1));
    assertThat(db.dsl().fetchCount(BUILDS, BUILDS.PIPELINE_ID.eq(pipeline))).isEqualTo(1);
    assertThat(db.dsl().fetchCount(OUTBOX, OUTBOX.BUILD_ID.eq(results.get(0).id()))).isEqualTo(1);
    // The key is per pipeline, and builds without a key never collide.
    assertThat(builds.create(build(pipeline()).withIdempotencyKey("deliver-once")).existing())
        .isFalse();
    assertThat(builds.create(build(pipeline)).number()).isEqualTo(2);
  }

  @Test
  void createAllNumbersInListOrderAndSharesRepeatedKeys() {
    String a = pipeline();
    String b = pipeline();
    UUID earlier = builds.create(build(a).withIdempotencyKey("k0")).id();

    List<CreatedBuild> created =
        builds.createAll(
            List.of(
                build(a),
                build(b).withIdempotencyKey("k1"),
                build(a).withIdempotencyKey("k0"),
                build(a).withIdempotencyKey("k1"),
                build(b).withIdempotencyKey("k1"),
                build(b)));

    assertThat(created).extracting(CreatedBuild::number).containsExactly(2L, 1L, 1L, 3L, 1L, 2L);
    assertThat(created)
        .extracting(CreatedBuild::existing)
        .containsExactly(false, false, true, false, true, false);
    assertThat(created.get(2).id()).isEqualTo(earlier);
    assertThat(created.get(4).id()).isEqualTo(created.get(1).id());
    assertThat(get(created.get(3).id()).pipelineId()).isEqualTo(a);
    assertThat(db.dsl().fetchCount(BUILDS, BUILDS.PIPELINE_ID.in(a, b))).isEqualTo(5);
    assertThat(
            db.dsl()
                .fetchCount(
                    OUTBOX,
                    OUTBOX.BUILD_ID.in(
                        created.stream()
                            .filter(c -> !c.existing())
                            .map(CreatedBuild::id)
                            .toList())))
        .isEqualTo(4);
    assertThat(builds.createAll(List.of())).isEmpty();
  }

  @Test
  void aFailedCreateAllWritesNothingAndBurnsNoNumber() {
    String a = pipeline();
    builds.create(build(a));
    String tooLong = "x".repeat(201);

    assertThatThrownBy(() -> builds.createAll(List.of(build(a), build(tooLong))))
        .isInstanceOfSatisfying(
            CiException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.PERMANENT));

    assertThat(db.dsl().fetchCount(BUILDS, BUILDS.PIPELINE_ID.eq(a))).isEqualTo(1);
    assertThat(builds.create(build(a)).number()).isEqualTo(2);
  }

  @Test
  void concurrentCreatesNumberBuildsWithoutGapsPerPipeline() throws Exception {
    String a = pipeline();
    String b = pipeline();

    AtomicInteger turn = new AtomicInteger();

    List<CreatedBuild> results =
        concurrently(20, () -> builds.create(build(turn.getAndIncrement() % 2 == 0 ? a : b)));

    Set<Long> numbersA = new HashSet<>();
    Set<Long> numbersB = new HashSet<>();
    for (CreatedBuild r : results) {
      String pipeline = get(r.id()).pipelineId();
      (pipeline.equals(a) ? numbersA : numbersB).add(r.number());
    }
    assertThat(numbersA).containsExactlyInAnyOrder(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L);
    assertThat(numbersB).containsExactlyInAnyOrder(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L);
  }

  @Test
  void claimLeaseAndRequeueOfAnExpiredLease() {
    UUID id = builds.create(build(pipeline())).id();
    assertThat(builds.claim(id, "worker-a", Duration.ofMinutes(5))).as("PENDING").isFalse();
    builds.transition(id, BuildStatus.QUEUED, null, null);

    assertThat(builds.claim(id, "worker-a", Duration.ofMinutes(5))).isTrue();
    assertThat(builds.claim(id, "worker-b", Duration.ofMinutes(5))).as("claimed twice").isFalse();
    BuildView running = get(id);
    assertThat(running.status()).isEqualTo(BuildStatus.RUNNING);
    assertThat(running.leaseOwner()).isEqualTo("worker-a");
    assertThat(running.attempt()).isEqualTo(1);
    assertThat(running.leaseExpiresAt()).isAfter(running.startedAt().plusSeconds(290));
    assertThat(builds.renewLease(id, "worker-b", Duration.ofMinutes(5))).isFalse();
    assertThat(builds.expiredLeases(100)).doesNotContain(id);
    assertThat(builds.requeueExpired(id)).as("lease still valid").isFalse();

    assertThat(builds.renewLease(id, "worker-a", Duration.ZERO)).isTrue();
    Awaitility.await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> builds.expiredLeases(100).contains(id));
    assertThat(builds.requeueExpired(id)).isTrue();
    assertThat(builds.requeueExpired(id)).as("requeued once").isFalse();

    BuildView requeued = get(id);
    assertThat(requeued.status()).isEqualTo(BuildStatus.QUEUED);
    assertThat(requeued.leaseOwner()).isNull();
    assertThat(
            db.dsl()
                .fetchCount(
                    OUTBOX, OUTBOX.BUILD_ID.eq(id).and(OUTBOX.KIND.eq(OutboxKind.REQUEUE.name()))))
        .isEqualTo(1);
    assertThat(builds.renewLease(id, "worker-a", Duration.ofMinutes(5))).isFalse();

    assertThat(builds.claim(id, "worker-b", Duration.ofMinutes(5))).isTrue();
    assertThat(get(id).attempt()).isEqualTo(2);
    assertThat(builds.finish(id, "worker-a", BuildStatus.SUCCEEDED, null, null))
        .as("the old owner lost the build")
        .isEmpty();
    RunTimes times = builds.finish(id, "worker-b", BuildStatus.SUCCEEDED, null, null).orElseThrow();
    assertThat(get(id).status()).isEqualTo(BuildStatus.SUCCEEDED);
    assertThat(times).isEqualTo(new RunTimes(get(id).startedAt(), get(id).finishedAt()));
    assertThat(times.finishedAt()).isNotNull();
  }

  @Test
  void cancelBeforeStartCancelsAtOnceAndDropsTheOutboxRow() {
    UUID pending = builds.create(build(pipeline())).id();

    assertThat(builds.requestCancel(pending)).isEqualTo(CancelOutcome.CANCELLED);

    BuildView cancelled = get(pending);
    assertThat(cancelled.status()).isEqualTo(BuildStatus.CANCELLED);
    assertThat(cancelled.errorCode()).isEqualTo(ErrorCode.CANCELLED);
    assertThat(cancelled.finishedAt()).isNotNull();
    assertThat(cancelled.cancelRequested()).isTrue();
    assertThat(db.dsl().fetchCount(OUTBOX, OUTBOX.BUILD_ID.eq(pending))).isZero();
    assertThatThrownBy(() -> builds.requestCancel(pending))
        .isInstanceOfSatisfying(
            CiException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.CONFLICT));
  }

  @Test
  void cancelOfARunningBuildIsARequestForItsWorker() {
    UUID id = builds.create(build(pipeline())).id();
    builds.transition(id, BuildStatus.QUEUED, null, null);
    builds.claim(id, "worker", Duration.ofMinutes(1));

    assertThat(builds.requestCancel(id)).isEqualTo(CancelOutcome.CANCEL_REQUESTED);
    assertThat(builds.requestCancel(id)).isEqualTo(CancelOutcome.CANCEL_REQUESTED);

    BuildView view = get(id);
    assertThat(view.status()).isEqualTo(BuildStatus.RUNNING);
    assertThat(view.cancelRequestedAt()).isNotNull();
    assertThatThrownBy(() -> builds.requestCancel(UUID.randomUUID()))
        .isInstanceOfSatisfying(
            CiException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND));
  }

  @Test
  void listFiltersByBranchGivenBareOrAsARef() {
    String p = pipeline();
    UUID onMain = builds.create(build(p)).id();
    NewBuild other = build(p);
    UUID onFeature =
        builds
            .create(
                new NewBuild(
                    p,
                    other.workflowYaml(),
                    other.workflowPath(),
                    other.repositoryUrl(),
                    "feature/x",
                    other.repositorySha(),
                    Map.of(),
                    null))
            .id();

    assertThat(builds.list(p, Set.of(), "main", null, 10).builds())
        .extracting(BuildView::id)
        .containsExactly(onMain);
    assertThat(builds.list(p, Set.of(), "feature/x", null, 10).builds())
        .extracting(BuildView::id)
        .containsExactly(onFeature);
    assertThat(builds.list(p, Set.of(), "", null, 10).builds()).hasSize(2);
    assertThat(builds.list(p, Set.of(), "mai", null, 10).builds()).isEmpty();
  }

  @Test
  void listPagesNewestFirstWithFilters() {
    String a = pipeline();
    String b = pipeline();
    List<UUID> ofA = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      ofA.add(builds.create(build(a)).id());
      builds.create(build(b));
    }
    builds.transition(ofA.get(0), BuildStatus.QUEUED, null, null);
    builds.transition(ofA.get(3), BuildStatus.CANCELLED, null, null);

    List<UUID> seen = new ArrayList<>();
    String token = "";
    int pages = 0;
    do {
      BuildPage page = builds.list(a, Set.of(), token, 3);
      page.builds().forEach(v -> seen.add(v.id()));
      assertThat(page.builds()).allSatisfy(v -> assertThat(v.jobs()).isEmpty());
      token = page.nextPageToken();
      pages++;
    } while (!token.isEmpty());

    assertThat(pages).isEqualTo(3);
    assertThat(seen).containsExactlyElementsOf(ofA.reversed());
    assertThat(builds.list(a, EnumSet.of(BuildStatus.QUEUED, BuildStatus.CANCELLED), null, 10))
        .satisfies(
            page -> {
              assertThat(page.builds())
                  .extracting(BuildView::id)
                  .containsExactly(ofA.get(3), ofA.get(0));
              assertThat(page.hasMore()).isFalse();
            });
    assertThat(builds.list(null, Set.of(), null, 5).builds()).hasSize(5);
    assertThatThrownBy(() -> builds.list(a, Set.of(), "not-a-token", 3))
        .isInstanceOfSatisfying(
            CiException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_SPEC));
  }

  static <T> List<T> concurrently(int threads, Callable<T> task) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<T>> futures = new ArrayList<>();
      for (int i = 0; i < threads; i++) {
        futures.add(
            pool.submit(
                () -> {
                  start.await();
                  return task.call();
                }));
      }
      start.countDown();
      List<T> results = new ArrayList<>();
      for (Future<T> f : futures) {
        results.add(f.get(30, TimeUnit.SECONDS));
      }
      return results;
    } finally {
      pool.shutdownNow();
    }
  }
}
