package dev.pipewright.expressions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EvaluationTest {

  private static final EvalContext CTX =
      EvalContext.builder()
          .context(
              "github",
              Map.of(
                  "event_name",
                  "push",
                  "ref",
                  "refs/heads/main",
                  "run_number",
                  42,
                  "event",
                  Map.of(
                      "issue",
                      Map.of(
                          "labels",
                          List.of(Map.of("name", "bug"), Map.of("name", "help wanted"))))))
          .context("env", Map.of("NAME", "Mona", "EMPTY", ""))
          .context("matrix", Map.of("os", "ubuntu-latest", "node", 20))
          .build();

  private static Object eval(String source) {
    return Expression.parse(source).evaluate(CTX);
  }

  @Test
  void literalsFromTheDocs() {
    assertThat(eval("null")).isNull();
    assertThat(eval("false")).isEqualTo(false);
    assertThat(eval("711")).isEqualTo(711d);
    assertThat(eval("-9.2")).isEqualTo(-9.2);
    assertThat(eval("0xff")).isEqualTo(255d);
    assertThat(eval("-2.99e-2")).isEqualTo(-0.0299);
    assertThat(eval("'It''s open source!'")).isEqualTo("It's open source!");
  }

  @Test
  void contextPropertiesAreCaseInsensitiveAndMissingIsNull() {
    assertThat(eval("github.event_name")).isEqualTo("push");
    assertThat(eval("GitHub.EVENT_NAME")).isEqualTo("push");
    assertThat(eval("github['event_name']")).isEqualTo("push");
    assertThat(eval("github.run_number")).isEqualTo(42d);
    assertThat(eval("github.nope.deeper.still")).isNull();
    assertThat(eval("steps.build.outputs.x")).isNull();
    assertThat(eval("github.event.issue.labels[1].name")).isEqualTo("help wanted");
    assertThat(eval("github.event.issue.labels[5].name")).isNull();
  }

  @Test
  void objectFilter() {
    assertThat(eval("github.event.issue.labels.*.name")).isEqualTo(List.of("bug", "help wanted"));
    assertThat(eval("join(github.event.issue.labels.*.name, ', ')")).isEqualTo("bug, help wanted");
    assertThat(eval("contains(github.event.issue.labels.*.name, 'BUG')")).isEqualTo(true);
  }

  @ParameterizedTest
  @CsvSource(
      delimiterString = " -> ",
      value = {
        "env.NAME || 'default' -> Mona",
        "env.EMPTY || 'default' -> default",
        "env.NAME && 'yes' -> yes",
        "format('Hello {0} {1} {2}', 'Mona', 'the', 'Octocat') -> Hello Mona the Octocat",
        "format('{{Hello {0} {1} {2}!}}', 'Mona', 'the', 'Octocat') -> {Hello Mona the Octocat!}",
      })
  void stringResults(String source, String expected) {
    assertThat(eval(source)).isEqualTo(expected);
  }

  @Test
  void conditionsAndTemplates() {
    assertThat(Condition.parse("github.ref == 'refs/heads/main'").test(CTX)).isTrue();
    assertThat(Condition.parse("${{ github.ref == 'refs/heads/dev' }}").test(CTX)).isFalse();
    EvalContext failed = EvalContext.builder().jobState(JobState.FAILURE).build();
    assertThat(Condition.parse("true").test(failed)).isFalse();
    assertThat(Condition.parse("failure()").test(failed)).isTrue();
    assertThat(Template.parse("os=${{ matrix.os }} node=${{ matrix.node }}").render(CTX))
        .isEqualTo("os=ubuntu-latest node=20");
    assertThat(Template.parse("${{ matrix.node }}").evaluate(CTX)).isEqualTo(20d);
  }

  @Test
  void unknownContextIsAParseError() {
    assertThatThrownBy(() -> Expression.parse("1 == githb.ref"))
        .isInstanceOfSatisfying(
            ExpressionException.class, e -> assertThat(e.column()).isEqualTo(6));
  }
}
