package dev.pipewright.executor.host.container;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ResourceLimitsTest {
  private static final String LIMITS =
      """
      Limit                     Soft Limit           Hard Limit           Units
      Max processes             96367                96367                processes
      Max open files            1024                 20000                files
      """;

  @Test
  void asksForTheWorkersHardLimitsCappedWherePodmanCapsItself() {
    assertThat(ResourceLimits.parse(LIMITS).podmanArguments())
        .containsExactly("--ulimit", "nofile=20000:20000", "--ulimit", "nproc=32768:32768");
    assertThat(
            ResourceLimits.parse(LIMITS.replace("96367                96367", "4096 4096"))
                .podmanArguments())
        .contains("nproc=4096:4096");
  }

  @Test
  void unlimitedOrMissingLeavesPodmansDefault() {
    String unlimited =
        "Max open files            unlimited            unlimited            files\n";
    assertThat(ResourceLimits.parse(unlimited).openFiles()).isEmpty();
    assertThat(ResourceLimits.none().podmanArguments()).isEmpty();
  }
}
