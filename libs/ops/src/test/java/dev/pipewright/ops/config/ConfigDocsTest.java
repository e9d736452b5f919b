package dev.pipewright.ops.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigDocsTest {

  @Test
  void configurationMdIsCurrent() throws IOException {
    String expected = ConfigDocs.markdown();
    Path target = Path.of("target");
    Files.createDirectories(target);
    Files.writeString(target.resolve("CONFIGURATION.md"), expected, StandardCharsets.UTF_8);
    assertThat(Files.readString(Path.of("CONFIGURATION.md"), StandardCharsets.UTF_8))
        .as("libs/ops/CONFIGURATION.md is stale: copy libs/ops/target/CONFIGURATION.md over it")
        .isEqualTo(expected);
  }

  @Test
  void everySettingIsDocumentedOnce() {
    String md = ConfigDocs.markdown();
    for (Setting<?> s : Settings.ALL) {
      assertThat(md).containsOnlyOnce("| `" + s.env() + "` | `" + s.path() + "` |");
    }
    assertThat(Settings.ALL.stream().map(Setting::env).distinct()).hasSameSizeAs(Settings.ALL);
  }

  @Test
  void theExampleIsValid() {
    PipewrightConfig c = ConfigLoader.fromYaml("example", ConfigDocs.EXAMPLE, Map.of());
    assertThat(c.kubernetes().runsOnImages()).hasSize(2);
    assertThat(c.log().format()).isEqualTo(LogFormat.JSON);
  }
}
