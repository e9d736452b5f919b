package dev.pipewright.ops.logging;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

class BuildMdcTest {
  @AfterEach
  void clear() {
    MDC.clear();
  }

  @Test
  void scopesNestAndRestore() {
    MDC.put("request", "r-1");
    try (var build = BuildMdc.open("b-1")) {
      assertThat(MDC.get(BuildMdc.BUILD_ID)).isEqualTo("b-1");
      assertThat(MDC.get(BuildMdc.JOB_KEY)).isNull();
      try (var job = BuildMdc.open("b-1", "lint")) {
        assertThat(MDC.get(BuildMdc.JOB_KEY)).isEqualTo("lint");
      }
      assertThat(MDC.get(BuildMdc.JOB_KEY)).isNull();
      assertThat(MDC.get(BuildMdc.BUILD_ID)).isEqualTo("b-1");
    }
    assertThat(MDC.get(BuildMdc.BUILD_ID)).isNull();
    assertThat(MDC.get("request")).isEqualTo("r-1");
  }

  @Test
  void withRunsAndReturns() {
    AtomicReference<String> seen = new AtomicReference<>();
    BuildMdc.with("b-2", () -> seen.set(MDC.get(BuildMdc.BUILD_ID)));
    assertThat(seen).hasValue("b-2");
    assertThat(BuildMdc.with("b-3", () -> MDC.get(BuildMdc.BUILD_ID))).isEqualTo("b-3");
    assertThat(MDC.get(BuildMdc.BUILD_ID)).isNull();
  }

  @Test
  void propagateCarriesTheCallersKeysToAnotherThread() throws Exception {
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try {
      Runnable task;
      AtomicReference<String> seen = new AtomicReference<>();
      try (var scope = BuildMdc.open("b-4", "deploy")) {
        task =
            BuildMdc.propagate(
                () -> seen.set(MDC.get(BuildMdc.BUILD_ID) + "/" + MDC.get(BuildMdc.JOB_KEY)));
      }
      pool.submit(task).get();
      assertThat(seen).hasValue("b-4/deploy");
      Future<String> after = pool.submit(() -> MDC.get(BuildMdc.BUILD_ID));
      assertThat(after.get()).isNull();
    } finally {
      pool.shutdownNow();
    }
  }
}
