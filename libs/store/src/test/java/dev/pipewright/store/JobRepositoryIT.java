package dev.pipewright.store;

import static dev.pipewright.store.jooq.Tables.BUILD_JOBS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.pipewright.models.BuildStatus;
import dev.pipewright.models.CiException;
import dev.pipewright.models.ErrorCode;
import dev.pipewright.models.JobStatus;
import dev.pipewright.models.StepStatus;
import dev.pipewright.models.SubStep;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class JobRepositoryIT {
  @RegisterExtension static final TestDatabase db = new TestDatabase();

  private final BuildRepository builds = new BuildRepository(db.dsl());
  private final JobRepository jobs = new JobRepository(db.dsl());

  private static final List<NewJob> PLAN =
      List.of(
          new NewJob(
              "build",
              "build",
              "Build",
              null,
              List.of(),
              List.of(new NewStep("checkout"), new NewStep("compile"))),
          new NewJob(
              "test.1",
              "test",
              "Test (linux, 21)",
              Map.of("os", "linux", "java", 21L),
              List.of("build"),
              List.of(new NewStep("run tests"))),
          new NewJob(
              "test.2",
              "test",
              "Test (mac, 25)",
              Map.of("os", "mac", "java", 25L),
              List.of("build"),
              List.of(new NewStep("run tests"))),
          new NewJob(
              "deploy",
              "deploy",
              null,
              null,
              List.of("test"),
              List.of(new NewStep("push"), new NewStep("notify"))));

  private UUID runningBuild() {
    UUID id = builds.create(NewBuild.of("pipe", "jobs: {}")).id();
    builds.transition(id, BuildStatus.QUEUED, null, null);
    builds.claim(id, "worker", Duration.ofMinutes(5));
    return id;
  }

  /** Writes {@link #PLAN} and runs the first step of its "build" job; returns that job's id. */
  private UUID planAndStartFirstStep(UUID buildId) {
    jobs.createPlan(buildId, PLAN);
    UUID id = job(buildId, "build").id();
    jobs.transitionJob(id, JobStatus.RUNNING);
    jobs.transitionStep(id, 1, StepStatus.RUNNING, null);
    return id;
  }

  private JobView job(UUID buildId, String key) {
    return jobs.jobs(buildId).stream().filter(j -> j.key().equals(key)).findFirst().orElseThrow();
  }

  @Test
  void thePlanIsWrittenOnceInOrderAndShowsInTheBuild() {
    UUID buildId = runningBuild();

    assertThat(jobs.createPlan(buildId, PLAN)).isTrue();
    assertThat(jobs.createPlan(buildId, PLAN.subList(0, 1))).as("second call").isFalse();

    BuildView view = builds.find(buildId).orElseThrow();
    assertThat(view.jobs())
        .extracting(JobView::key)
        .containsExactly("build", "test.1", "test.2", "deploy");
    JobView test = view.jobs().get(1);
    assertThat(test.jobId()).isEqualTo("test");
    assertThat(test.matrix()).containsEntry("os", "linux").containsEntry("java", 21);
    assertThat(test.needs()).containsExactly("build");
    assertThat(test.status()).isEqualTo(JobStatus.PENDING);
    assertThat(view.jobs().get(3).name()).isEqualTo("deploy");
    assertThat(view.jobs().get(0).matrix()).isNull();
    assertThat(view.jobs().get(0).steps())
        .extracting(StepView::number, StepView::name, StepView::status)
        .containsExactly(
            tuple(1, "checkout", StepStatus.PENDING), tuple(2, "compile", StepStatus.PENDING));
    assertThatThrownBy(() -> jobs.createPlan(UUID.randomUUID(), PLAN))
        .isInstanceOfSatisfying(
            CiException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND));
  }

  /**
   * A step an action added as the job ran (a JavaScript action's "Post <step>", after the planned
   * steps, as GitHub lists it) gets a row of its own, which moves like any step's; adding it again
   * (its start and its end both say so) keeps the row.
   */
  @Test
  void aStepAnActionAddedGetsItsRowAfterThePlannedOnes() {
    UUID buildId = runningBuild();
    jobs.createPlan(buildId, PLAN);
    UUID buildJob = jobs.jobs(buildId).getFirst().id();

    assertThat(jobs.addStep(buildJob, 3, "Post checkout", 1)).isTrue();
    assertThat(jobs.transitionStep(buildJob, 3, StepStatus.RUNNING, null)).isPresent();
    assertThat(jobs.addStep(buildJob, 3, "Post checkout", 1)).as("again").isFalse();
    assertThat(jobs.transitionStep(buildJob, 3, StepStatus.SUCCEEDED, StepResult.NONE)).isPresent();

    assertThat(builds.find(buildId).orElseThrow().jobs().getFirst().steps())
        .extracting(StepView::number, StepView::name, StepView::status)
        .containsExactly(
            tuple(1, "checkout", StepStatus.PENDING),
            tuple(2, "compile", StepStatus.PENDING),
            tuple(3, "Post checkout", StepStatus.SUCCEEDED));
  }

  @Test
  void concurrentPlannersWriteOnePlan() throws Exception {
    UUID buildId = runningBuild();

    List<Boolean> created = BuildRepositoryIT.concurrently(8, () -> jobs.createPlan(buildId, PLAN));

    assertThat(created.stream().filter(c -> c)).hasSize(1);
    assertThat(jobs.jobs(buildId)).hasSize(PLAN.size());
  }

  @Test
  void everyJobMoveIsAllowedExactlyWhenTheStateMachineSaysSo() {
    UUID buildId = runningBuild();
    List<NewJob> plan =
        Arrays.stream(JobStatus.values())
            .flatMap(
                from ->
                    Arrays.stream(JobStatus.values())
                        .map(to -> new NewJob(from + ">" + to, "j", null, null, null, null)))
            .toList();
    jobs.createPlan(buildId, plan);
    for (JobView job : jobs.jobs(buildId)) {
      JobStatus from = JobStatus.valueOf(job.key().split(">")[0]);
      JobStatus to = JobStatus.valueOf(job.key().split(">")[1]);
      db.dsl()
          .update(BUILD_JOBS)
          .set(BUILD_JOBS.STATUS, from.name())
          .where(BUILD_JOBS.ID.eq(job.id()))
          .execute();

      assertThat(jobs.transitionJob(job.id(), to).isPresent())
          .as("%s -> %s", from, to)
          .isEqualTo(JobStatus.TRANSITIONS.allowed(from, to));
    }
  }

  @Test
  void aJobAndItsStepsRunToTheirEnd() {
    UUID buildId = runningBuild();
    jobs.createPlan(buildId, PLAN);
    UUID buildJob = job(buildId, "build").id();

    assertThat(jobs.transitionJob(buildJob, JobStatus.QUEUED)).isPresent();
    assertThat(jobs.transitionJob(buildJob, JobStatus.RUNNING)).isPresent();
    assertThat(jobs.transitionStep(buildJob, 2, StepStatus.SUCCEEDED, StepResult.NONE))
        .as("PENDING -> SUCCEEDED")
        .isEmpty();
    assertThat(jobs.transitionStep(buildJob, 1, StepStatus.RUNNING, null)).isPresent();
    assertThat(
            jobs.transitionStep(
                buildJob,
                1,
                StepStatus.SUCCEEDED,
                StepResult.exited(0, "success", "success", Map.of("sha", "abc"))))
        .isPresent();
    assertThat(jobs.transitionStep(buildJob, 2, StepStatus.RUNNING, null)).isPresent();
    assertThat(
            jobs.transitionStep(
                buildJob, 2, StepStatus.FAILED, StepResult.exited(2, "failure", "failure", null)))
        .isPresent();
    assertThat(jobs.transitionStep(buildJob, 3, StepStatus.RUNNING, null))
        .as("no step 3")
        .isEmpty();
    assertThat(
            jobs.transitionJob(
                buildJob,
                JobStatus.FAILED,
                ErrorCode.PERMANENT,
                "step 2 exited 2",
                Map.of("artifact", "app.jar")))
        .isPresent();

    JobView done = jobs.job(buildJob).orElseThrow();
    assertThat(done.status()).isEqualTo(JobStatus.FAILED);
    assertThat(done.attempt()).isEqualTo(1);
    assertThat(done.startedAt()).isNotNull();
    assertThat(done.finishedAt()).isNotNull();
    assertThat(done.errorCode()).isEqualTo(ErrorCode.PERMANENT);
    assertThat(done.outputs()).containsEntry("artifact", "app.jar");
    StepView first = done.steps().get(0);
    assertThat(first.exitCode()).isZero();
    assertThat(first.outputs()).containsEntry("sha", "abc");
    assertThat(first.conclusion()).isEqualTo("success");
    StepView second = done.steps().get(1);
    assertThat(second.status()).isEqualTo(StepStatus.FAILED);
    assertThat(second.exitCode()).isEqualTo(2);
    assertThat(second.outcome()).isEqualTo("failure");
  }

  @Test
  void movesReturnTheStoredTimesAndAStepThatRanMayEndStraightFromPending() {
    UUID buildId = runningBuild();
    jobs.createPlan(buildId, PLAN);
    UUID buildJob = job(buildId, "build").id();

    assertThat(jobs.transitionJob(buildJob, JobStatus.QUEUED)).contains(new RunTimes(null, null));
    RunTimes running = jobs.transitionJob(buildJob, JobStatus.RUNNING).orElseThrow();
    assertThat(running.startedAt()).isNotNull();
    assertThat(running.finishedAt()).isNull();
    assertThat(running.ran()).isZero();

    RunTimes first =
        jobs.finishStep(buildJob, 1, StepStatus.SUCCEEDED, StepResult.NONE).orElseThrow();
    assertThat(first.startedAt()).as("passed through RUNNING").isNotNull();
    assertThat(first.finishedAt()).isNotNull();
    assertThat(jobs.finishStep(buildJob, 1, StepStatus.FAILED, StepResult.NONE))
        .as("already finished")
        .isEmpty();
    RunTimes second = jobs.transitionStep(buildJob, 2, StepStatus.RUNNING, null).orElseThrow();
    assertThat(jobs.finishStep(buildJob, 2, StepStatus.FAILED, StepResult.NONE))
        .get()
        .extracting(RunTimes::startedAt)
        .as("the recorded start is kept")
        .isEqualTo(second.startedAt());
    assertThatThrownBy(() -> jobs.finishStep(buildJob, 2, StepStatus.SKIPPED, null))
        .isInstanceOf(IllegalArgumentException.class);

    RunTimes done = jobs.transitionJob(buildJob, JobStatus.FAILED).orElseThrow();
    JobView stored = jobs.job(buildJob).orElseThrow();
    assertThat(done).isEqualTo(new RunTimes(stored.startedAt(), stored.finishedAt()));
    assertThat(stored.steps())
        .extracting(StepView::status)
        .containsExactly(StepStatus.SUCCEEDED, StepStatus.FAILED);

    UUID testJob = job(buildId, "test.1").id();
    assertThat(jobs.transitionJob(testJob, JobStatus.SKIPPED))
        .as("never started: no times")
        .contains(new RunTimes(null, null));
  }

  @Test
  void skippingAndCancellingTakeTheStepsAlong() {
    UUID buildId = runningBuild();
    UUID buildJob = planAndStartFirstStep(buildId);

    assertThat(jobs.transitionJob(job(buildId, "deploy").id(), JobStatus.SKIPPED)).isPresent();
    assertThat(job(buildId, "deploy").steps())
        .allSatisfy(s -> assertThat(s.status()).isEqualTo(StepStatus.SKIPPED));

    for (String key : List.of("build", "test.1")) {
      assertThat(
              jobs.transitionJob(
                  job(buildId, key).id(),
                  JobStatus.CANCELLED,
                  ErrorCode.CANCELLED,
                  "cancelled by user",
                  null))
          .as(key)
          .isPresent();
    }

    JobView cancelled = job(buildId, "build");
    assertThat(cancelled.status()).isEqualTo(JobStatus.CANCELLED);
    assertThat(cancelled.finishedAt()).as("it had started").isNotNull();
    assertThat(cancelled.steps())
        .allSatisfy(s -> assertThat(s.status()).isEqualTo(StepStatus.CANCELLED));
    assertThat(cancelled.steps().get(0).finishedAt()).isNotNull();
    assertThat(cancelled.steps().get(1).finishedAt()).as("never started").isNull();
    JobView neverRan = job(buildId, "test.1");
    assertThat(neverRan.status()).isEqualTo(JobStatus.CANCELLED);
    assertThat(neverRan.errorMessage()).isEqualTo("cancelled by user");
    assertThat(
            jobs.transitionJob(
                job(buildId, "deploy").id(), JobStatus.CANCELLED, ErrorCode.CANCELLED, "", null))
        .as("finished already")
        .isEmpty();
    assertThat(job(buildId, "deploy").status()).isEqualTo(JobStatus.SKIPPED);
  }

  @Test
  void aRunningJobIsNotSkippedAndKeepsItsSteps() {
    UUID buildId = runningBuild();
    jobs.createPlan(buildId, PLAN);
    UUID running = job(buildId, "build").id();
    jobs.transitionJob(running, JobStatus.RUNNING);

    assertThat(jobs.transitionJob(running, JobStatus.SKIPPED)).isEmpty();
    assertThat(jobs.transitionJob(job(buildId, "test.2").id(), JobStatus.SKIPPED)).isPresent();
    assertThat(job(buildId, "build").status()).isEqualTo(JobStatus.RUNNING);
    assertThat(job(buildId, "build").steps())
        .allSatisfy(s -> assertThat(s.status()).isEqualTo(StepStatus.PENDING));
    assertThat(job(buildId, "test.2").status()).isEqualTo(JobStatus.SKIPPED);
  }

  @Test
  void cancellingAQueuedBuildCancelsItsPlannedJobs() {
    UUID buildId = runningBuild();
    jobs.createPlan(buildId, PLAN);
    builds.renewLease(buildId, "worker", Duration.ZERO);
    Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> builds.requeueExpired(buildId));

    assertThat(builds.requestCancel(buildId)).isEqualTo(CancelOutcome.CANCELLED);

    assertThat(builds.find(buildId).orElseThrow().jobs())
        .allSatisfy(j -> assertThat(j.status()).isEqualTo(JobStatus.CANCELLED));
  }

  @Test
  void aDynamicMatrixPlaceholderIsReplacedByItsInstancesInPlace() {
    UUID buildId = runningBuild();
    jobs.createPlan(
        buildId,
        List.of(
            new NewJob("build", "build", null, null, null, List.of(new NewStep("make"))),
            new NewJob("test", "test", null, null, List.of("build"), List.of(new NewStep("t"))),
            new NewJob("deploy", "deploy", null, null, List.of("test"), null)));
    List<NewJob> instances =
        List.of(
            new NewJob(
                "test.1",
                "test",
                "test (a)",
                Map.of("x", "a"),
                List.of("build"),
                List.of(new NewStep("t"))),
            new NewJob(
                "test.2",
                "test",
                "test (b)",
                Map.of("x", "b"),
                List.of("build"),
                List.of(new NewStep("t"))));

    assertThat(jobs.expand(buildId, "test", instances)).isTrue();
    assertThat(jobs.expand(buildId, "test", instances)).as("expanded already").isFalse();

    assertThat(jobs.jobs(buildId))
        .extracting(JobView::key)
        .containsExactly("build", "test.1", "test.2", "deploy");
    assertThat(job(buildId, "test.2").steps()).extracting(StepView::name).containsExactly("t");
    assertThat(jobs.expand(buildId, "test.1", instances)).as("an instance").isFalse();
    jobs.transitionJob(job(buildId, "build").id(), JobStatus.RUNNING);
    assertThat(jobs.expand(buildId, "build", List.of())).as("started").isFalse();
  }

  @Test
  void aRestartRunsAnActiveJobAgainFromItsFirstStep() {
    UUID buildId = runningBuild();
    UUID id = planAndStartFirstStep(buildId);
    jobs.transitionStep(
        id,
        1,
        StepStatus.SUCCEEDED,
        new StepResult(
            0,
            "success",
            "success",
            null,
            null,
            null,
            List.of(new StepAnnotation("warning", "w", null, null, null, null, null, null)),
            "acme/tool@v1",
            "0123456789abcdef0123456789abcdef01234567",
            List.of(
                new SubStep(
                    1,
                    "Run acme/inner@v2",
                    StepStatus.SUCCEEDED,
                    List.of(new SubStep(1, "Run make", StepStatus.FAILED, null))),
                new SubStep(2, "tidy", StepStatus.SKIPPED, null))));
    jobs.transitionStep(id, 2, StepStatus.RUNNING, null);

    assertThat(job(buildId, "build").steps()).extracting(StepView::attempt).containsOnly(1);
    StepView first = job(buildId, "build").steps().getFirst();
    assertThat(first.annotations()).hasSize(1);
    assertThat(first.action()).isEqualTo("acme/tool@v1");
    assertThat(first.actionSha()).isEqualTo("0123456789abcdef0123456789abcdef01234567");
    assertThat(first.subSteps())
        .as("nested as the actions nest")
        .containsExactly(
            new SubStep(
                1,
                "Run acme/inner@v2",
                StepStatus.SUCCEEDED,
                List.of(new SubStep(1, "Run make", StepStatus.FAILED, List.of()))),
            new SubStep(2, "tidy", StepStatus.SKIPPED, List.of()));
    assertThat(jobs.restart(id, 2)).isTrue();
    assertThat(jobs.restart(id, 2)).as("that attempt runs already").isFalse();

    JobView restarted = job(buildId, "build");
    assertThat(restarted.status()).isEqualTo(JobStatus.QUEUED);
    assertThat(restarted.attempt()).isEqualTo(2);
    assertThat(restarted.steps())
        .allSatisfy(
            s -> {
              assertThat(s.status()).isEqualTo(StepStatus.PENDING);
              assertThat(s.exitCode()).isNull();
              assertThat(s.startedAt()).isNull();
              assertThat(s.attempt()).isEqualTo(2);
              assertThat(s.annotations()).as("the earlier run's").isEmpty();
              assertThat(s.action()).as("the earlier run's").isNull();
              assertThat(s.subSteps()).as("the earlier run's").isEmpty();
            });
    jobs.transitionJob(id, JobStatus.RUNNING);
    jobs.transitionJob(id, JobStatus.FAILED, ErrorCode.PERMANENT, "broken", null);
    assertThat(jobs.restart(id, 3)).as("finished").isFalse();
    assertThat(jobs.restart(job(buildId, "deploy").id(), 2)).as("never started").isFalse();
  }
}
