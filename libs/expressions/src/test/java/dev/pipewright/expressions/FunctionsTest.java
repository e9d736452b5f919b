package dev.pipewright.expressions;

import static dev.pipewright.expressions.Eval.eval;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FunctionsTest {

  private static final EvalContext CTX =
      EvalContext.builder()
          .context(
              "github",
              Map.of(
                  "event_name",
                  "push",
                  "event",
                  Map.of(
                      "issue",
                      Map.of(
                          "labels",
                          List.of(Map.of("name", "bug"), Map.of("name", "help wanted"))))))
          .context("job", Map.of("status", "success"))
          .context(
              "env", Map.of("continue", "true", "time", "3", "matrix", "{\"include\":[{\"n\":1}]}"))
          .build();

  @ParameterizedTest
  @CsvSource(
      delimiterString = " => ",
      quoteCharacter = '"',
      value = {
        "contains('Hello world', 'llo') => true",
        "contains('Hello world', 'LLO') => true",
        "contains('Hello world', 'xyz') => false",
        "contains('abc', '') => true",
        "contains(github.event.issue.labels.*.name, 'bug') => true",
        "contains(github.event.issue.labels.*.name, 'BUG') => true",
        "contains(github.event.issue.labels.*.name, 'bu') => false",
        "contains(fromJSON('[\"push\", \"pull_request\"]'), github.event_name) => true",
        "contains(fromJSON('[1, 2]'), '2') => true",
        "contains(fromJSON('[]'), null) => false",
        "contains(123, 2) => true",
        "contains(true, 'ru') => true",
        "contains(null, '') => true",
        "contains(github.event, 'issue') => false",
        "contains('Object', github.event) => false",
        "startsWith('Hello world', 'He') => true",
        "startsWith('Hello world', 'he') => true",
        "startsWith('Hello world', 'world') => false",
        "startsWith('He', 'Hello') => false",
        "startsWith(12345, 12) => true",
        "startsWith(github.event, 'O') => false",
        "endsWith('Hello world', 'ld') => true",
        "endsWith('Hello world', 'LD') => true",
        "endsWith('Hello world', 'He') => false",
        "endsWith('ld', 'Hello world') => false",
        "endsWith('x', '') => true",
        "CONTAINS('abc', 'B') => true",
        "StartsWith('abc', 'A') => true",
      })
  void stringAndArrayPredicates(String source, boolean expected) {
    assertThat(eval(source, CTX)).isEqualTo(expected);
  }

  @ParameterizedTest
  @CsvSource(
      delimiterString = " => ",
      quoteCharacter = '"',
      value = {
        "format('Hello {0} {1} {2}', 'Mona', 'the', 'Octocat') => Hello Mona the Octocat",
        "format('{{Hello {0} {1} {2}!}}', 'Mona', 'the', 'Octocat') => {Hello Mona the Octocat!}",
        "format('{0}{0}{1}', 'a', 'b') => aab",
        "format('{1}-{0}', 1, 2.5) => 2.5-1",
        "format('{{0}}', 'x') => {0}",
        "format('}}{{') => }{",
        "format('{0}', null) => ''",
        "format('{0}|{1}|{2}', true, fromJSON('[]'), fromJSON('{}')) => true|Array|Object",
        "format('no args') => no args",
        "FORMAT('{0}', 'case') => case",
      })
  void formatExamples(String source, String expected) {
    assertThat(eval(source, CTX)).isEqualTo(expected.equals("''") ? "" : expected);
  }

  @Test
  void formatOnlyEvaluatesReferencedArguments() {
    assertThat(eval("format('{0}', 'ok', fromJSON('not json'))")).isEqualTo("ok");
  }

  @ParameterizedTest
  @CsvSource(
      delimiterString = " => ",
      quoteCharacter = '"',
      value = {
        "format('{0', 'a') => The following format string is invalid: '{0'",
        "format('{}', 'a') => The following format string is invalid: '{}'",
        "format('{a}', 'a') => The following format string is invalid: '{a}'",
        "format('x}', 'a') => The following format string is invalid: 'x}'",
        "format('{ 0}', 'a') => The following format string is invalid: '{ 0}'",
        "format('{1}', 'a') => "
            + "The following format string references more arguments than were supplied: '{1}'",
        "format('{0:x}', 1) => The format specifiers 'x' are not supported",
      })
  void invalidFormatStringsFailAtTheCall(String source, String reason) {
    assertThatThrownBy(() -> eval("  " + source))
        .isInstanceOfSatisfying(
            ExpressionException.class,
            e -> {
              assertThat(e.reason()).isEqualTo(reason);
              assertThat(e.column()).isEqualTo(3);
            });
  }

  @Test
  void joinExamples() {
    assertThat(eval("join(github.event.issue.labels.*.name, ', ')", CTX))
        .isEqualTo("bug, help wanted");
    assertThat(eval("join(fromJSON('[1, true, null, \"x\"]'))")).isEqualTo("1,true,,x");
    assertThat(eval("join(fromJSON('[[1], {}]'), ';')")).isEqualTo("Array;Object");
    assertThat(eval("join('abc', ',')")).isEqualTo("abc");
    assertThat(eval("join(12)")).isEqualTo("12");
    assertThat(eval("join(null)")).isEqualTo("");
    assertThat(eval("join(fromJSON('[]'), ',')")).isEqualTo("");
    assertThat(eval("join(fromJSON('{\"a\":1}'))")).isEqualTo("");
    assertThat(eval("join(fromJSON('[1,2]'), fromJSON('[]'))")).isEqualTo("1,2");
    assertThat(eval("join(fromJSON('[1,2]'), 0)")).isEqualTo("102");
  }

  @Test
  void toJsonIsPrettyPrintedLikeGitHub() {
    assertThat(eval("toJSON(job)", CTX)).isEqualTo("{\n  \"status\": \"success\"\n}");
    assertThat(eval("toJSON(fromJSON('{\"a\":[1,{\"b\":null}],\"c\":{},\"d\":[],\"e\":1.5}'))"))
        .isEqualTo(
            """
            {
              "a": [
                1,
                {
                  "b": null
                }
              ],
              "c": {},
              "d": [],
              "e": 1.5
            }""");
    // Expression strings have no backslash escapes, so the JSON escapes the lone backslash.
    assertThat(eval("toJSON('a\"b\\c')")).isEqualTo("\"a\\\"b\\\\c\"");
    assertThat(eval("toJSON(null)")).isEqualTo("null");
    assertThat(eval("toJSON(true)")).isEqualTo("true");
    assertThat(eval("toJSON(3)")).isEqualTo("3");
    assertThat(eval("toJSON(steps)")).isEqualTo("null");
  }

  @Test
  void toJsonEscapesControlCharacters() {
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("k\n", "tab\there\u0001\u2028");
    assertThat(Values.toJson(map)).isEqualTo("{\n  \"k\\n\": \"tab\\there\\u0001\\u2028\"\n}");
  }

  @Test
  void fromJsonExamples() {
    assertThat(eval("fromJSON(env.continue)", CTX)).isEqualTo(true);
    assertThat(eval("fromJSON(env.time)", CTX)).isEqualTo(3d);
    assertThat(eval("fromJSON(env.matrix).include[0].n", CTX)).isEqualTo(1d);
    assertThat(eval("fromJSON('\"s\"')")).isEqualTo("s");
    assertThat(eval("fromJSON('null')")).isNull();
    List<Object> expected = new ArrayList<>();
    expected.add(1d);
    expected.add(null);
    expected.add(Map.of("a", "b"));
    assertThat(eval("fromJSON('[1, null, {\"a\": \"b\"}]')")).isEqualTo(expected);
    assertThat(eval("toJSON(fromJSON(toJSON(job)))", CTX)).isEqualTo(eval("toJSON(job)", CTX));
  }

  @Test
  void invalidJsonFailsAtTheCall() {
    for (String bad :
        List.of("fromJSON('{')", "fromJSON('')", "fromJSON('1 2')", "fromJSON('x')")) {
      assertThatThrownBy(() -> eval("1 && " + bad))
          .as(bad)
          .isInstanceOfSatisfying(
              ExpressionException.class,
              e -> {
                assertThat(e.column()).isEqualTo(6);
                assertThat(e.reason()).startsWith("Error parsing fromJSON");
              });
    }
  }

  /**
   * GitHub reads fromJSON input with Newtonsoft.Json 13 (actions/runner FromJson.cs, Sdk.csproj),
   * whose readers refuse more than 64 levels by default (JamesNK/Newtonsoft.Json#2473).
   */
  @Test
  void fromJsonReadsUpTo64LevelsLikeGitHub() {
    String deepest = "[".repeat(64) + "]".repeat(64);
    assertThat(eval("toJSON(fromJSON('" + deepest + "'))")).asString().contains("[]");
    for (int levels : List.of(65, 100_000)) {
      String json = "[".repeat(levels) + "]".repeat(levels);
      assertThatThrownBy(() -> Values.fromJson(json))
          .as("%d levels", levels)
          .isInstanceOfSatisfying(
              ExpressionException.class,
              e -> assertThat(e.reason()).startsWith("Error parsing fromJSON"));
    }
  }

  @Test
  void hashFilesDelegatesToTheContext() {
    List<List<String>> calls = new ArrayList<>();
    EvalContext ctx =
        EvalContext.builder()
            .hashFiles(
                patterns -> {
                  calls.add(patterns);
                  return "abc123";
                })
            .build();
    assertThat(eval("format('{0}-{1}', 'deps', hashFiles('**/package-lock.json'))", ctx))
        .isEqualTo("deps-abc123");
    assertThat(eval("hashFiles('**/package-lock.json', '**/Gemfile.lock')", ctx))
        .isEqualTo("abc123");
    assertThat(calls)
        .containsExactly(
            List.of("**/package-lock.json"), List.of("**/package-lock.json", "**/Gemfile.lock"));
  }

  @Test
  void hashFilesWithoutARunnerIsAnEvaluationError() {
    assertThatThrownBy(() -> eval("'x' == hashFiles('*.lock')"))
        .isInstanceOfSatisfying(
            ExpressionException.class, e -> assertThat(e.column()).isEqualTo(8));
  }

  @Test
  void statusFunctionsReadTheJobState() {
    record Case(JobState state, boolean success, boolean failure, boolean cancelled) {}
    for (Case c :
        List.of(
            new Case(JobState.SUCCESS, true, false, false),
            new Case(JobState.FAILURE, false, true, false),
            new Case(JobState.CANCELLED, false, false, true),
            new Case(new JobState(true, true), false, false, true))) {
      EvalContext ctx = EvalContext.builder().jobState(c.state()).build();
      assertThat(eval("success()", ctx)).as("success %s", c).isEqualTo(c.success());
      assertThat(eval("failure()", ctx)).as("failure %s", c).isEqualTo(c.failure());
      assertThat(eval("cancelled()", ctx)).as("cancelled %s", c).isEqualTo(c.cancelled());
      assertThat(eval("always()", ctx)).as("always %s", c).isEqualTo(true);
    }
  }
}
