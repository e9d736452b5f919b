package dev.pipewright.dag;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pipewright.dag.JobGraph.Problem;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Set;
import org.junit.jupiter.api.Test;

class JobGraphTest {

  private static LinkedHashMap<String, List<String>> jobs(String... idAndNeeds) {
    LinkedHashMap<String, List<String>> jobs = new LinkedHashMap<>();
    for (String spec : idAndNeeds) {
      String[] parts = spec.split(":", -1);
      List<String> needs =
          parts.length < 2 || parts[1].isEmpty() ? List.of() : List.of(parts[1].split(","));
      jobs.put(parts[0], needs);
    }
    return jobs;
  }

  @Test
  void placesEachJobInTheEarliestBatchItsNeedsAllow() {
    var result = JobGraph.analyze(jobs("test:build", "lint", "build", "deploy:test,lint", "docs"));

    assertThat(result.problems()).isEmpty();
    assertThat(result.batches())
        .containsExactly(List.of("build", "docs", "lint"), List.of("test"), List.of("deploy"));
  }

  @Test
  void aJobWaitsForItsDeepestNeed() {
    var result = JobGraph.analyze(jobs("a", "b:a", "c:b", "d:a,c"));

    assertThat(result.batches())
        .containsExactly(List.of("a"), List.of("b"), List.of("c"), List.of("d"));
  }

  @Test
  void repeatedNeedsCountOnce() {
    var result = JobGraph.analyze(jobs("a", "b:a,a"));

    assertThat(result.batches()).containsExactly(List.of("a"), List.of("b"));
  }

  @Test
  void emptyWorkflowHasNoBatches() {
    assertThat(JobGraph.analyze(jobs()).batches()).isEmpty();
  }

  @Test
  void namesATwoJobCycleFromTheFirstJobInSourceOrder() {
    var result = JobGraph.analyze(jobs("build", "b:a", "a:b"));

    assertThat(result.batches()).isNull();
    assertThat(result.problems())
        .containsExactly(
            new Problem(
                "b",
                "dependency cycle: b → a → b",
                "each job needs the next one, so none of them can start; remove one of these"
                    + " needs"));
  }

  @Test
  void namesASelfNeed() {
    var result = JobGraph.analyze(jobs("a:a"));

    assertThat(result.problems())
        .extracting(Problem::message)
        .containsExactly("dependency cycle: a → a");
  }

  @Test
  void reportsEveryCycleAtOnceInSourceOrder() {
    var result = JobGraph.analyze(jobs("x:z", "y:x", "z:y", "ok", "p:q", "q:p", "after:p,ok"));

    assertThat(result.problems())
        .extracting(Problem::jobId, Problem::message)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("x", "dependency cycle: x → z → y → x"),
            org.assertj.core.groups.Tuple.tuple("p", "dependency cycle: p → q → p"));
  }

  @Test
  void namesTheShortestCycleThroughTheFirstJob() {
    // a → b → c → d → a and a shortcut a → d → a: the short one is the one to read.
    var result = JobGraph.analyze(jobs("a:b,d", "b:c", "c:d", "d:a"));

    assertThat(result.problems())
        .extracting(Problem::message)
        .containsExactly("dependency cycle: a → d → a");
  }

  @Test
  void reportsUnknownNeedsWithTheKnownJobs() {
    var result = JobGraph.analyze(jobs("build", "test:biuld,build"));

    assertThat(result.batches()).isNull();
    assertThat(result.problems())
        .containsExactly(
            new Problem(
                "test",
                "job 'test' needs unknown job 'biuld'",
                "jobs in this workflow: build, test"));
  }

  @Test
  void reportsUnknownNeedsAndCyclesTogether() {
    var result = JobGraph.analyze(jobs("a:b", "b:a", "c:nope"));

    assertThat(result.problems())
        .extracting(Problem::message)
        .containsExactly("dependency cycle: a → b → a", "job 'c' needs unknown job 'nope'");
  }

  @Test
  void findsACycleWhoseJobsAlsoNeedJobsThatCanRun() {
    // Kahn's pass reaches a and b from build, but they still wait on each other.
    var result = JobGraph.analyze(jobs("build", "a:build,b", "b:a,build"));

    assertThat(result.problems())
        .extracting(Problem::message)
        .containsExactly("dependency cycle: a → b → a");
  }

  @Test
  void jobsDownstreamOfACycleAreNotReportedThemselves() {
    var result = JobGraph.analyze(jobs("a:b", "b:a", "c:a", "d:c"));

    assertThat(result.problems()).hasSize(1);
  }

  @Test
  void layersALongChainWithoutRecursion() {
    LinkedHashMap<String, List<String>> chain = new LinkedHashMap<>();
    int n = 50_000;
    for (int i = 0; i < n; i++) {
      chain.put("j" + i, i == 0 ? List.of() : List.of("j" + (i - 1)));
    }

    var result = JobGraph.analyze(chain);

    assertThat(result.batches()).hasSize(n);
    assertThat(result.batches().get(n - 1)).containsExactly("j" + (n - 1));
  }

  // build ─┬─ test ─┬─ deploy
  // lint ──┘        │
  // docs ───────────┘
  private final JobGraph graph =
      JobGraph.of(jobs("build", "lint", "test:build,lint", "docs", "deploy:test,docs"));

  @Test
  void candidatesAtTheStartAreTheJobsWithoutNeedsInSourceOrder() {
    assertThat(graph.candidates(Set.of())).containsExactly("build", "lint", "docs");
  }

  @Test
  void aJobIsACandidateOnlyOnceEveryJobItNeedsIsDone() {
    // Tekton's GetCandidateTasks: not done, all needs done; whatever way they finished.
    assertThat(graph.candidates(Set.of("build"))).containsExactly("lint", "docs");
    assertThat(graph.candidates(Set.of("build", "lint"))).containsExactly("test", "docs");
    assertThat(graph.candidates(Set.of("build", "lint", "test"))).containsExactly("docs");
    assertThat(graph.candidates(Set.of("build", "lint", "test", "docs"))).containsExactly("deploy");
    assertThat(graph.candidates(Set.of("build", "lint", "test", "docs", "deploy"))).isEmpty();
  }

  @Test
  void candidatesIgnoreUnknownDoneIds() {
    assertThat(graph.candidates(Set.of("nope"))).containsExactly("build", "lint", "docs");
  }

  @Test
  void upstreamOfAJobIsEverythingItTransitivelyNeeds() {
    assertThat(graph.upstreamOf("deploy")).containsExactly("test", "docs", "build", "lint");
    assertThat(graph.upstreamOf("test")).containsExactly("build", "lint");
    assertThat(graph.upstreamOf("build")).isEmpty();
    assertThatThrownBy(() -> graph.upstreamOf("nope"))
        .isInstanceOf(NoSuchElementException.class)
        .hasMessage("no job 'nope' in this graph");
  }

  @Test
  void aGraphForSchedulingRefusesWhatAPlanRefuses() {
    assertThatThrownBy(() -> JobGraph.of(jobs("a:b", "b:a", "c:nope")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("dependency cycle: a → b → a; job 'c' needs unknown job 'nope'");
  }
}
