package dev.pipewright.kubernetes.runner;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pipewright.executor.JobRef;
import org.junit.jupiter.api.Test;

class KubeNamesTest {
  private static final String DNS = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";

  @Test
  void shortSafeNamesStayReadable() {
    assertThat(KubeNames.jobName(new JobRef("b1", "build"), 1)).isEqualTo("pw-b1-build");
    assertThat(KubeNames.jobName(new JobRef("b1", "build"), 2)).isEqualTo("pw-b1-build-a2");
  }

  @Test
  void unsafeOrLongNamesAreCleanedTruncatedAndHashed() {
    String uuid = "0f8fad5b-d9cb-469f-a165-70867728950e";
    String matrix = KubeNames.jobName(new JobRef(uuid, "test.2"), 1);
    String longKey = KubeNames.jobName(new JobRef(uuid, "integration_tests_on_every_platform"), 1);
    assertThat(matrix).matches(DNS).hasSizeLessThanOrEqualTo(63).startsWith("pw-0f8fad5b");
    assertThat(longKey).matches(DNS).hasSizeBetween(55, 63);
    assertThat(KubeNames.jobName(new JobRef(uuid, "test.2"), 1)).isEqualTo(matrix);
  }

  @Test
  void namesThatCleanTheSameStillDiffer() {
    String dot = KubeNames.jobName(new JobRef("b", "test.2"), 1);
    String dash = KubeNames.jobName(new JobRef("b", "test-2"), 1);
    assertThat(dash).isEqualTo("pw-b-test-2");
    assertThat(dot).isNotEqualTo(dash).matches(DNS);
  }

  @Test
  void labelValuesKeepWhatIsAllowed() {
    assertThat(KubeNames.labelValue("test.2")).isEqualTo("test.2");
    assertThat(KubeNames.labelValue("a b")).matches("[A-Za-z0-9][-A-Za-z0-9_.]*");
    assertThat(KubeNames.labelValue("y".repeat(80))).hasSize(63);
  }
}
