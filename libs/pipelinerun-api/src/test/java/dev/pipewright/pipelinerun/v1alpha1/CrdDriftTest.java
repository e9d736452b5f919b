package dev.pipewright.pipelinerun.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The CRD in crds/ is what {@code kubectl apply} installs; it must be exactly what the build
 * generates from the Java types (crd-generator-maven-plugin, process-classes phase).
 */
class CrdDriftTest {

  static final String FILE = "pipelineruns.pipewright.dev-v1.yml";
  static final Path COMMITTED = Path.of("../../crds", FILE);

  @Test
  void committedCrdMatchesTheGeneratedOne() throws IOException {
    String generated = generated();
    assertThat(COMMITTED).as("committed CRD %s", COMMITTED.toAbsolutePath()).exists();
    String committed = Files.readString(COMMITTED, StandardCharsets.UTF_8);
    assertThat(committed)
        .as(
            "crds/%s differs from the CRD generated from the Java types; regenerate it with:%n"
                + "  ./mvnw -B -q -pl libs/pipelinerun-api process-classes && "
                + "cp libs/pipelinerun-api/target/classes/META-INF/fabric8/%s crds/",
            FILE, FILE)
        .isEqualTo(generated);
  }

  @Test
  void generatedCrdCarriesNamesColumnsAndStatusSubresource() throws IOException {
    String crd = generated();
    assertThat(crd)
        .contains("name: \"pipelineruns.pipewright.dev\"")
        .contains("scope: \"Namespaced\"")
        .contains("- \"plr\"")
        .contains("- \"prun\"")
        .contains("name: \"v1alpha1\"")
        .contains("status: {}")
        .contains("jsonPath: \".spec.buildId\"")
        .contains("jsonPath: \".status.phase\"")
        .contains("jsonPath: \".status.progress\"")
        .contains("jsonPath: \".metadata.creationTimestamp\"")
        .contains("rule: \"self == oldSelf\"");
  }

  private static String generated() throws IOException {
    try (InputStream in =
        CrdDriftTest.class.getClassLoader().getResourceAsStream("META-INF/fabric8/" + FILE)) {
      assertThat(in).as("generated CRD on the classpath (process-classes ran?)").isNotNull();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
