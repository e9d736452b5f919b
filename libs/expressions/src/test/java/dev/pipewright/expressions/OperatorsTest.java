package dev.pipewright.expressions;

import static dev.pipewright.expressions.Eval.eval;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class OperatorsTest {

  private static final EvalContext CTX =
      EvalContext.builder()
          .context("github", Map.of("ref", "refs/heads/main", "event_name", "push"))
          .context("env", Map.of("EMPTY", "", "NAME", "Mona", "ZERO", "0"))
          .context("matrix", Map.of("list", List.of(1, 2), "obj", Map.of("k", "v")))
          .build();

  @Test
  void literalsFromTheDocs() {
    assertThat(eval("null")).isNull();
    assertThat(eval("false")).isEqualTo(false);
    assertThat(eval("true")).isEqualTo(true);
    assertThat(eval("711")).isEqualTo(711d);
    assertThat(eval("-9.2")).isEqualTo(-9.2);
    assertThat(eval("0xff")).isEqualTo(255d);
    assertThat(eval("-2.99e-2")).isEqualTo(-0.0299);
    assertThat(eval("'It''s open source!'")).isEqualTo("It's open source!");
    assertThat(eval("''")).isEqualTo("");
    assertThat(eval("'}}'")).isEqualTo("}}");
    assertThat(eval("NaN")).isEqualTo(Double.NaN);
    assertThat(eval("Infinity")).isEqualTo(Double.POSITIVE_INFINITY);
    assertThat(eval("-Infinity")).isEqualTo(Double.NEGATIVE_INFINITY);
    assertThat(eval("+1.5")).isEqualTo(1.5);
    assertThat(eval("(.5)")).isEqualTo(0.5);
    assertThat(eval("1e3")).isEqualTo(1000d);
  }

  @ParameterizedTest
  @CsvSource(
      delimiterString = " => ",
      quoteCharacter = '"',
      value = {
        "1 == 1 => true",
        "1 == '1' => true",
        "'1' == 1.0 => true",
        "'abc' == 'ABC' => true",
        "'abc' != 'ABC' => false",
        "null == 0 => true",
        "null == '' => true",
        "null == false => true",
        "true == 1 => true",
        "true == 'true' => false",
        "false == '' => true",
        "NaN == NaN => false",
        "NaN != NaN => true",
        "'x' == 0 => false",
        "1 < 2 => true",
        "2 <= 2 => true",
        "'a' < 'B' => true",
        "'B' > 'a' => true",
        "false < true => true",
        "true > false => true",
        "'10' > 9 => true",
        "'x' > 1 => false",
        "'x' < 1 => false",
        "'x' >= 1 => false",
        "NaN >= NaN => false",
        "null >= null => true",
        "!true => false",
        "!0 => true",
        "!'' => true",
        "!'false' => false",
        "!!'x' => true",
        "matrix.list == matrix.list => true",
        "matrix.obj == matrix.obj => true",
        "matrix.obj != matrix.obj => false",
        "matrix.list == fromJSON('[1,2]') => false",
        "fromJSON('{}') == fromJSON('{}') => false",
        "matrix.list <= matrix.list => true",
        "matrix.list < matrix.list => false",
      })
  void comparisonOperators(String source, boolean expected) {
    assertThat(eval(source, CTX)).isEqualTo(expected);
  }

  @Test
  void logicalOperatorsShortCircuitAndReturnAnOperand() {
    assertThat(eval("env.NAME || 'default'", CTX)).isEqualTo("Mona");
    assertThat(eval("env.EMPTY || 'default'", CTX)).isEqualTo("default");
    assertThat(eval("env.MISSING || 'default'", CTX)).isEqualTo("default");
    assertThat(eval("env.ZERO || 'default'", CTX)).isEqualTo("0");
    assertThat(eval("env.NAME && 'yes'", CTX)).isEqualTo("yes");
    assertThat(eval("env.EMPTY && 'yes'", CTX)).isEqualTo("");
    assertThat(eval("0 || null", CTX)).isNull();
    assertThat(eval("0 && fromJSON('not json')", CTX)).isEqualTo(0d);
    assertThat(eval("1 || fromJSON('not json')", CTX)).isEqualTo(1d);
    assertThat(eval("matrix.list || 'x'", CTX)).isEqualTo(List.of(1, 2));
  }

  @Test
  void ternaryIdiomFromTheDocs() {
    String ternary =
        "github.ref == 'refs/heads/main' && 'value_for_main_branch' || 'value_for_other_branches'";
    assertThat(eval(ternary, CTX)).isEqualTo("value_for_main_branch");
    EvalContext dev =
        EvalContext.builder().context("github", Map.of("ref", "refs/heads/dev")).build();
    assertThat(eval(ternary, dev)).isEqualTo("value_for_other_branches");
  }

  @Test
  void precedenceIsNotThenComparisonThenEqualityThenAndThenOr() {
    assertThat(eval("true || false && false")).isEqualTo(true);
    assertThat(eval("(true || false) && false")).isEqualTo(false);
    assertThat(eval("!false && false")).isEqualTo(false);
    assertThat(eval("!(false && false)")).isEqualTo(true);
    // Comparison binds tighter than equality: (1 < 2) == true.
    assertThat(eval("1 < 2 == true")).isEqualTo(true);
    assertThat(eval("true == 1 < 2")).isEqualTo(true);
    // Equality binds tighter than &&: 1 && (2 == 2).
    assertThat(eval("1 && 2 == 2")).isEqualTo(true);
    assertThat(eval("'a' == 'b' || 'c'")).isEqualTo("c");
    // Left associative: (3 > 2) > 1 is true > 1, i.e. 1 > 1.
    assertThat(eval("3 > 2 > 1")).isEqualTo(false);
    assertThat(eval("!1 == 0")).isEqualTo(true);
  }

  @Test
  void whitespaceIsInsignificant() {
    assertThat(eval("  1==1&&'a'!='b'  ")).isEqualTo(true);
    assertThat(eval("\tgithub . ref\n== 'refs/heads/main'", CTX)).isEqualTo(true);
  }
}
