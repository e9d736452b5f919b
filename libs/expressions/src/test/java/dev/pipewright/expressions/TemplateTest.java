package dev.pipewright.expressions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TemplateTest {

  private static final EvalContext CTX =
      EvalContext.builder()
          .context("matrix", Map.of("os", "ubuntu-latest", "node", 20, "list", List.of(1, 2)))
          .context("env", Map.of("NAME", "Mona"))
          .build();

  @Test
  void plainTextIsLiteral() {
    Template t = Template.parse("echo hello }} {{ $ {");
    assertThat(t.isLiteral()).isTrue();
    assertThat(t.expressions()).isEmpty();
    assertThat(t.render(CTX)).isEqualTo("echo hello }} {{ $ {");
    assertThat(t.evaluate(CTX)).isEqualTo("echo hello }} {{ $ {");
    assertThat(Template.parse("").render(CTX)).isEmpty();
  }

  @Test
  void rendersEachPartAsAString() {
    Template t = Template.parse("os=${{ matrix.os }} node=${{matrix.node}}${{ env.MISSING }}!");
    assertThat(t.isLiteral()).isFalse();
    assertThat(t.expressions())
        .extracting(Expression::source)
        .containsExactly(" matrix.os ", "matrix.node", " env.MISSING ");
    assertThat(t.render(CTX)).isEqualTo("os=ubuntu-latest node=20!");
    assertThat(t.evaluate(CTX)).isEqualTo("os=ubuntu-latest node=20!");
    assertThat(t).hasToString("os=${{ matrix.os }} node=${{matrix.node}}${{ env.MISSING }}!");
  }

  @Test
  void aSingleExpressionKeepsItsType() {
    assertThat(Template.parse("${{ matrix.node }}").evaluate(CTX)).isEqualTo(20d);
    assertThat(Template.parse("${{ matrix.list }}").evaluate(CTX)).isEqualTo(List.of(1, 2));
    assertThat(Template.parse("${{ matrix.list }}").render(CTX)).isEqualTo("Array");
    assertThat(Template.parse("${{ fromJSON('true') }}").evaluate(CTX)).isEqualTo(true);
    assertThat(Template.parse(" ${{ matrix.node }}").evaluate(CTX)).isEqualTo(" 20");
  }

  @Test
  void closingBracesInsideStringsDoNotCloseTheExpression() {
    Template t = Template.parse("${{ format('{0}}}', env.NAME) }}-${{ 'it''s }}' }}");
    assertThat(t.expressions()).hasSize(2);
    assertThat(t.render(CTX)).isEqualTo("Mona}-it's }}");
  }

  @Test
  void unclosedExpressionIsAnErrorAtItsStart() {
    assertThatThrownBy(() -> Template.parse("echo ${{ matrix.os"))
        .isInstanceOfSatisfying(
            ExpressionException.class,
            e -> {
              assertThat(e.column()).isEqualTo(6);
              assertThat(e.reason()).contains("not closed");
            });
    assertThatThrownBy(() -> Template.parse("${{ 'abc }}"))
        .isInstanceOfSatisfying(
            ExpressionException.class, e -> assertThat(e.column()).isEqualTo(1));
  }

  @Test
  void errorColumnsAreOffsetsInTheWholeText() {
    // "run: " is 5 chars, "${{" 3, then " 1 == " puts the bad name at inner column 7.
    assertThatThrownBy(() -> Template.parse("run: ${{ 1 == bad }}"))
        .isInstanceOfSatisfying(
            ExpressionException.class,
            e -> {
              assertThat(e.reason()).isEqualTo("Unrecognized named-value: 'bad'");
              assertThat(e.column()).isEqualTo(15);
            });
    assertThatThrownBy(() -> Template.parse("a ${{ 1 }} b ${{ }}"))
        .isInstanceOfSatisfying(
            ExpressionException.class,
            e -> {
              assertThat(e.reason()).isEqualTo("An expression was expected");
              assertThat(e.column()).isEqualTo(17);
            });
  }

  @Test
  void evaluationErrorColumnsAreOffsetsInTheWholeText() {
    Template t = Template.parse("x ${{ fromJSON('{') }}");
    assertThatThrownBy(() -> t.render(CTX))
        .isInstanceOfSatisfying(
            ExpressionException.class, e -> assertThat(e.column()).isEqualTo(7));
  }
}
