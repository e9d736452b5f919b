package dev.pipewright.executor.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pipewright.executor.SecretMasker;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What actions/runner src/Runner.Worker/JobExtension.cs FinalizeJob does with each evaluated job
 * output: {@code if (string.IsNullOrEmpty(output.Value))} skip it ("since it's empty"); {@code if
 * (!string.Equals(output.Value, HostContext.SecretMasker.MaskSecrets(output.Value)))} warn "Skip
 * output '<name>' since it may contain secret." and skip it; otherwise set it.
 */
class JobOutputsTest {
  private static Map<String, String> ordered(String... pairs) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      m.put(pairs[i], pairs[i + 1]);
    }
    return m;
  }

  @Test
  void anOutputHoldingASecretIsDroppedWithGitHubsWarning() {
    SecretMasker masker = new SecretMasker(List.of("hunter2-secret"));
    JobOutputs out =
        JobOutputs.filter(
            ordered("url", "https://u:hunter2-secret@host", "version", "1.2.3"), masker);
    assertThat(out.kept()).isEqualTo(Map.of("version", "1.2.3"));
    assertThat(out.warnings()).containsExactly("Skip output 'url' since it may contain secret.");
  }

  @Test
  void addMaskValuesRegisteredDuringTheJobCountAsSecrets() {
    SecretMasker masker = new SecretMasker();
    JobOutputs before = JobOutputs.filter(ordered("token", "generated-9f8e"), masker);
    assertThat(before.kept()).containsEntry("token", "generated-9f8e");
    masker.add("generated-9f8e"); // what ::add-mask:: does
    JobOutputs after = JobOutputs.filter(ordered("token", "generated-9f8e"), masker);
    assertThat(after.kept()).isEmpty();
    assertThat(after.warnings()).hasSize(1);
  }

  @Test
  void anEncodedSecretIsASecretToo() {
    // The runner's masker has value encoders (base64 and more) for every secret, like ours.
    SecretMasker masker = new SecretMasker(List.of("pa55-word-long"));
    JobOutputs out = JobOutputs.filter(ordered("b64", "cGE1NS13b3JkLWxvbmc="), masker);
    assertThat(out.kept()).isEmpty();
    assertThat(out.warnings()).containsExactly("Skip output 'b64' since it may contain secret.");
  }

  @Test
  void emptyOutputsAreNotSetAndNotWarnedAbout() {
    JobOutputs out =
        JobOutputs.filter(ordered("a", "", "b", "kept", "c", "value"), new SecretMasker());
    assertThat(out.kept()).containsExactly(Map.entry("b", "kept"), Map.entry("c", "value"));
    assertThat(out.warnings()).isEmpty();
  }
}
