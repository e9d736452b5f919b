package dev.pipewright.expressions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ParseTest {

  @ParameterizedTest
  @CsvSource(
      delimiterString = " => ",
      quoteCharacter = '"',
      value = {
        // expression => column => reason
        "githb.ref => 1 => Unrecognized named-value: 'githb'",
        "github.ref == foo => 15 => Unrecognized named-value: 'foo'",
        "foo(1) => 1 => Unrecognized function: 'foo'",
        "1 && bar () => 6 => Unrecognized function: 'bar'",
        "contains('a') => 1 => Too few parameters supplied: 'contains'",
        "x || startsWith('a', 'b', 'c') => 1 => Unrecognized named-value: 'x'",
        "1 || startsWith('a', 'b', 'c') => 6 => Too many parameters supplied: 'startsWith'",
        "success(1) => 1 => Too many parameters supplied: 'success'",
        "toJSON() => 1 => Too few parameters supplied: 'toJSON'",
        "join() => 1 => Too few parameters supplied: 'join'",
        "join(1, 2, 3) => 1 => Too many parameters supplied: 'join'",
        "hashFiles() => 1 => Too few parameters supplied: 'hashFiles'",
        "format() => 1 => Too few parameters supplied: 'format'",
        "'unterminated => 1 => Unexpected symbol: ''unterminated'. The string is not terminated",
        "1 = 1 => 3 => Unexpected symbol: '='",
        "1 & 1 => 3 => Unexpected symbol: '&'",
        "1 | 1 => 3 => Unexpected symbol: '|'",
        "1 == => 5 => Unexpected end of expression",
        "(1 => 3 => Unexpected end of expression",
        "1) => 2 => Unexpected symbol: ')'",
        "github. => 8 => Unexpected end of expression",
        "github.[0] => 8 => Unexpected symbol: '['",
        "github[0 => 9 => Unexpected end of expression",
        "github.ref github.sha => 12 => Unexpected symbol: 'github'",
        "'a'.length => 4 => Unexpected symbol: '.'",
        "1[0] => 2 => Unexpected symbol: '['",
        "12abc => 1 => Unexpected symbol: '12abc'",
        "0x => 1 => Unexpected symbol: '0x'",
        "github.ev$nt => 8 => Unexpected symbol: 'ev$nt'",
        "contains(1,) => 12 => Unexpected symbol: ')'",
        "contains(,1) => 10 => Unexpected symbol: ','",
        "! => 2 => Unexpected end of expression",
        "TRUE => 1 => Unrecognized named-value: 'TRUE'",
      })
  void parseErrorsCarryAColumnAndAReason(String source, int column, String reason) {
    assertParseError(source, column, reason);
  }

  @Test
  void blankAndDoubleQuotedSources() {
    assertParseError("", 1, "An expression was expected");
    assertParseError("   ", 1, "An expression was expected");
    assertParseError(
        "1 == \"double\"", 6, "Unexpected symbol: '\"'. Strings must use single quotes");
  }

  private static void assertParseError(String source, int column, String reason) {
    assertThatThrownBy(() -> Expression.parse(source))
        .as(source)
        .isInstanceOfSatisfying(
            ExpressionException.class,
            e -> {
              assertThat(e.reason()).isEqualTo(reason);
              assertThat(e.column()).isEqualTo(column);
              assertThat(e.getMessage()).isEqualTo(reason + " (column " + column + ")");
            });
  }

  @Test
  void wildcardAfterDotIsAnObjectFilterNotAnError() {
    assertThat(Expression.parse("github.*").contexts()).containsExactly("github");
  }

  @Test
  void functionNamesAreCaseInsensitive() {
    assertThat(Expression.parse("toJson(1)").evaluate(EvalContext.empty())).isEqualTo("1");
    assertThat(Expression.parse("FROMJSON('2')").evaluate(EvalContext.empty())).isEqualTo(2d);
    assertThat(Expression.parse("Success()").usesStatusFunction()).isTrue();
  }

  @Test
  void everyDocumentedContextIsAccepted() {
    String all =
        "github, env, vars, job, jobs, steps, runner, secrets, strategy, matrix, needs, inputs";
    String source = "format('" + "{0}".repeat(1) + "', " + all + ")";
    assertThat(Expression.parse(source).contexts()).containsExactlyInAnyOrder(all.split(", "));
  }

  @Test
  void contextsAreCollectedFromEveryBranchInLowerCase() {
    Expression e =
        Expression.parse(
            "GitHub.ref == 'x' && (matrix.os || !env.A) && contains(needs.*.result, steps[vars.s])");
    assertThat(e.contexts())
        .containsExactlyInAnyOrder("github", "matrix", "env", "needs", "steps", "vars");
    assertThat(Expression.parse("1 == 1").contexts()).isEmpty();
  }

  @Test
  void statusFunctionsAreDetectedAnywhere() {
    assertThat(Expression.parse("always()").usesStatusFunction()).isTrue();
    assertThat(Expression.parse("!cancelled()").usesStatusFunction()).isTrue();
    assertThat(Expression.parse("github.ref == 'x' || FAILURE()").usesStatusFunction()).isTrue();
    assertThat(Expression.parse("format('{0}', success())").usesStatusFunction()).isTrue();
    assertThat(Expression.parse("github.success").usesStatusFunction()).isFalse();
    assertThat(Expression.parse("'success()'").usesStatusFunction()).isFalse();
  }

  @Test
  void tooDeepExpressionsAreRefused() {
    String deep = "(".repeat(60) + "1" + ")".repeat(60);
    assertThatThrownBy(() -> Expression.parse(deep))
        .isInstanceOfSatisfying(
            ExpressionException.class,
            e -> assertThat(e.reason()).isEqualTo("Exceeded max expression depth 50"));
    String comparisons = "1" + " == 1".repeat(60);
    assertThatThrownBy(() -> Expression.parse(comparisons)).isInstanceOf(ExpressionException.class);
    String nots = "!".repeat(60) + "1";
    assertThatThrownBy(() -> Expression.parse(nots)).isInstanceOf(ExpressionException.class);
    assertThat(
            Expression.parse("(".repeat(20) + "1" + ")".repeat(20)).evaluate(EvalContext.empty()))
        .isEqualTo(1d);
  }

  /**
   * GitHub flattens a chain of {@code &&} or {@code ||} into one node, parenthesised parts too
   * (actions/runner ExpressionParser.FlushTopOperator), so the chain's length is no depth.
   */
  @Test
  void longAndOrChainsAreOneLevelDeepLikeOnGitHub() {
    String ors = "0" + " || 0".repeat(3000) + " || 'last'";
    String ands = "(1 && 2)" + " && (3 && 4)".repeat(1500);

    assertThat(Expression.parse(ors).evaluate(EvalContext.empty())).isEqualTo("last");
    assertThat(Expression.parse(ands).evaluate(EvalContext.empty())).isEqualTo(4d);
    assertThat(Expression.parse("1 && (0 || env.x) && 3 || always()"))
        .satisfies(e -> assertThat(e.contexts()).containsExactly("env"))
        .satisfies(e -> assertThat(e.usesStatusFunction()).isTrue());
  }

  /** Hostile expressions end as ExpressionExceptions, even on a quarter of the usual stack. */
  @Test
  void tenThousandLevelsOfNestingAreRefusedOnASmallStack() throws InterruptedException {
    List<String> hostile =
        List.of(
            "(".repeat(10_000) + "1" + ")".repeat(10_000),
            "!".repeat(20_000) + "1",
            "format(".repeat(2_000) + "'x'" + ")".repeat(2_000),
            "github" + "[github".repeat(2_500) + "]".repeat(2_500),
            "github" + ".a".repeat(10_000),
            "1" + " == 1".repeat(4_000));
    List<Throwable> thrown = new ArrayList<>();
    Thread thread =
        new Thread(
            null,
            () -> {
              for (String source : hostile) {
                try {
                  Expression.parse(source);
                  thrown.add(null);
                } catch (Throwable t) {
                  thrown.add(t);
                }
              }
            },
            "small-stack",
            256 * 1024);
    thread.start();
    thread.join();

    assertThat(thrown)
        .hasSize(hostile.size())
        .allSatisfy(
            t ->
                assertThat(t)
                    .isInstanceOfSatisfying(
                        ExpressionException.class,
                        e -> assertThat(e.reason()).startsWith("Exceeded max expression")));
  }

  @Test
  void tooLongExpressionsAreRefused() {
    String longest = "'" + "x".repeat(20998) + "'";
    assertThat(Expression.parse(longest).source()).hasSize(21000);
    assertThatThrownBy(() -> Expression.parse("'" + "x".repeat(20999) + "'"))
        .isInstanceOfSatisfying(
            ExpressionException.class,
            e -> assertThat(e.reason()).isEqualTo("Exceeded max expression length 21000"));
  }

  @Test
  void parsedExpressionsAreReusableAcrossContexts() {
    Expression e = Expression.parse("matrix.os == 'linux'");
    assertThat(e.source()).isEqualTo("matrix.os == 'linux'");
    assertThat(e).hasToString("matrix.os == 'linux'");
    EvalContext linux = EvalContext.builder().context("matrix", Map.of("os", "Linux")).build();
    EvalContext mac = EvalContext.builder().context("MATRIX", Map.of("os", "macos")).build();
    assertThat(e.evaluate(linux)).isEqualTo(true);
    assertThat(e.evaluate(mac)).isEqualTo(false);
    assertThat(e.evaluate(EvalContext.empty())).isEqualTo(false);
  }
}
