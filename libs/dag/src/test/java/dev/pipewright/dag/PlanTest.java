package dev.pipewright.dag;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import org.junit.jupiter.api.Test;

class PlanTest {

  private static PlannedJob single(String id, String... needs) {
    return new PlannedJob(id, id, List.of(needs), List.of(new JobInstance(id, id, Map.of())));
  }

  private static PlannedJob matrix(String id, int instances, String... needs) {
    List<JobInstance> list =
        java.util.stream.IntStream.rangeClosed(1, instances)
            .mapToObj(n -> new JobInstance(id + "." + n, id + " (" + n + ")", Map.of("n", n)))
            .toList();
    return new PlannedJob(id, id, List.of(needs), list);
  }

  private static PlannedJob dynamic(String id, String... needs) {
    return new PlannedJob(id, id, List.of(needs), null);
  }

  // build ─┬─ test (matrix of 2) ─┬─ deploy
  // lint ──┘                      │
  // docs ─────────────────────────┘ (dynamic)
  private final Plan plan =
      new Plan(
          List.of(List.of("build", "docs", "lint"), List.of("test"), List.of("deploy")),
          List.of(
              single("build"),
              single("lint"),
              matrix("test", 2, "build", "lint"),
              dynamic("docs"),
              single("deploy", "test", "docs")));

  @Test
  void looksJobsUpById() {
    assertThat(plan.job("test").instances())
        .extracting(JobInstance::key)
        .containsExactly("test.1", "test.2");
    assertThat(plan.job("docs").dynamic()).isTrue();
    assertThatThrownBy(() -> plan.job("nope"))
        .isInstanceOf(NoSuchElementException.class)
        .hasMessage("no job 'nope' in this plan");
  }

  @Test
  void isImmutableAndComparesByValue() {
    Plan same = new Plan(plan.batches(), new java.util.ArrayList<>(plan.jobs()));

    assertThat(same).isEqualTo(plan).hasSameHashCodeAs(plan);
    assertThatThrownBy(() -> plan.jobs().add(single("x")))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> plan.batches().get(0).add("x"))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void rejectsJobListsThatCannotBePlanned() {
    assertThatThrownBy(() -> new Plan(List.of(), List.of(single("a"), single("a"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("duplicate job id 'a'");
    assertThatThrownBy(() -> new Plan(List.of(), List.of(single("a", "b"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("job 'a' needs unknown job 'b'");
  }
}
