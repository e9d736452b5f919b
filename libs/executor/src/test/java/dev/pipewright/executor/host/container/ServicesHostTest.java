package dev.pipewright.executor.host.container;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pipewright.executor.host.JobHost;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class ServicesHostTest {
  /**
   * ServicesHost wraps the worker's host for a job without {@code container:}: every default of
   * {@link JobHost} it left alone answered for the job instead of the host it wraps. That is how
   * JavaScript actions found no Node.js on a worker with podman (the default {@code providedNode()}
   * is empty), though the process host under it has one.
   */
  @Test
  void itAnswersEveryDefaultOfJobHostItselfRatherThanWithTheDefault() throws Exception {
    List<String> defaults =
        Arrays.stream(JobHost.class.getDeclaredMethods())
            .filter(Method::isDefault)
            .map(Method::getName)
            .toList();
    assertThat(defaults).contains("providedNode", "prefersOwnNode", "reattach");
    for (Method m : JobHost.class.getDeclaredMethods()) {
      if (m.isDefault()) {
        Method own = ServicesHost.class.getMethod(m.getName(), m.getParameterTypes());
        assertThat(own.getDeclaringClass()).as(m.getName()).isEqualTo(ServicesHost.class);
      }
    }
  }
}
