package dev.pipewright.parser;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.snakeyaml.engine.v2.resolver.CoreScalarResolver;

class WorkflowSchemaTest {

  @Test
  void resolvesEveryValueLikeTheCoreResolver() {
    CoreScalarResolver core = new CoreScalarResolver(true);
    WorkflowSchema.Resolver fast = new WorkflowSchema.Resolver();
    List<String> values =
        new ArrayList<>(
            List.of(
                "",
                "~",
                "null",
                "Null",
                "NULL",
                "true",
                "False",
                "0x1F",
                "0o17",
                "-.inf",
                ".NaN",
                "3.10",
                "+12",
                "<<",
                "${FOO}",
                "${{ matrix.os }}",
                "ubuntu-latest",
                "job1"));
    for (char c = 0; c < 0x300; c++) {
      values.add(String.valueOf(c));
      values.add(c + "abc");
      values.add(c + "1");
      values.add(c + " ");
    }
    for (String value : values) {
      for (boolean implicit : new boolean[] {true, false}) {
        assertThat(fast.resolve(value, implicit))
            .as("tag of '%s' (implicit %s)", value, implicit)
            .isEqualTo(core.resolve(value, implicit));
      }
    }
  }
}
