package dev.pipewright.expressions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ConditionTest {

  private static EvalContext ctx(JobState state) {
    return EvalContext.builder()
        .context("github", Map.of("ref", "refs/heads/main", "event_name", "push"))
        .context("steps", Map.of("demo", Map.of("conclusion", "failure", "outcome", "failure")))
        .jobState(state)
        .build();
  }

  private static final EvalContext OK = ctx(JobState.SUCCESS);
  private static final EvalContext FAILED = ctx(JobState.FAILURE);
  private static final EvalContext CANCELLED = ctx(JobState.CANCELLED);

  @Test
  void bareAndWrappedFormsAreEquivalent() {
    for (String text :
        new String[] {
          "github.ref == 'refs/heads/main'",
          "${{ github.ref == 'refs/heads/main' }}",
          "  ${{github.ref == 'refs/heads/main'}}  ",
        }) {
      Condition c = Condition.parse(text);
      assertThat(c.test(OK)).as(text).isTrue();
      assertThat(c.source()).isEqualTo(text);
      assertThat(c.contexts()).containsExactly("github");
    }
    assertThat(Condition.parse("${{ github.ref == 'refs/heads/dev' }}").test(OK)).isFalse();
  }

  @Test
  void withoutAStatusFunctionSuccessIsImplied() {
    Condition c = Condition.parse("github.event_name == 'push'");
    assertThat(c.usesStatusFunction()).isFalse();
    assertThat(c.test(OK)).isTrue();
    assertThat(c.test(FAILED)).isFalse();
    assertThat(c.test(CANCELLED)).isFalse();
    assertThat(Condition.parse("true").test(FAILED)).isFalse();
  }

  @Test
  void emptyConditionMeansSuccess() {
    assertThat(Condition.parse("").test(OK)).isTrue();
    assertThat(Condition.parse("  ").test(FAILED)).isFalse();
    assertThat(Condition.parse("").usesStatusFunction()).isFalse();
    assertThat(Condition.parse("").contexts()).isEmpty();
  }

  @Test
  void statusFunctionsFromTheDocs() {
    assertThat(Condition.parse("${{ success() }}").test(OK)).isTrue();
    assertThat(Condition.parse("${{ success() }}").test(FAILED)).isFalse();
    assertThat(Condition.parse("${{ always() }}").test(FAILED)).isTrue();
    assertThat(Condition.parse("${{ always() }}").test(CANCELLED)).isTrue();
    assertThat(Condition.parse("${{ cancelled() }}").test(CANCELLED)).isTrue();
    assertThat(Condition.parse("${{ cancelled() }}").test(OK)).isFalse();
    assertThat(Condition.parse("${{ failure() }}").test(FAILED)).isTrue();
    assertThat(Condition.parse("${{ failure() }}").test(OK)).isFalse();
    Condition demo = Condition.parse("${{ failure() && steps.demo.conclusion == 'failure' }}");
    assertThat(demo.usesStatusFunction()).isTrue();
    assertThat(demo.test(FAILED)).isTrue();
    assertThat(demo.test(OK)).isFalse();
  }

  @Test
  void aNegatedStatusFunctionStillDisablesTheImplicitSuccess() {
    Condition c = Condition.parse("!cancelled()");
    assertThat(c.test(FAILED)).isTrue();
    assertThat(c.test(CANCELLED)).isFalse();
  }

  @Test
  void textAroundAWrapperMakesAStringThatIsAlwaysTruthy() {
    // The classic trap: the expression renders into "false == true", a non-empty string.
    Condition trap = Condition.parse("${{ github.ref == 'x' }} == true");
    assertThat(trap.test(OK)).isTrue();
    assertThat(trap.test(FAILED)).isFalse();
    assertThat(Condition.parse("${{ always() }} x").test(FAILED)).isTrue();
    assertThat(Condition.parse("${{ '' }}${{ '' }}").test(OK)).isFalse();
  }

  @Test
  void truthinessOfNonBooleanResults() {
    assertThat(Condition.parse("github.ref").test(OK)).isTrue();
    assertThat(Condition.parse("github.missing").test(OK)).isFalse();
    assertThat(Condition.parse("0").test(OK)).isFalse();
    assertThat(Condition.parse("'0'").test(OK)).isTrue();
  }

  @Test
  void parseErrorsAreColumnsInTheIfText() {
    assertThatThrownBy(() -> Condition.parse("github.ref == 'x' && githubb.sha"))
        .isInstanceOfSatisfying(
            ExpressionException.class, e -> assertThat(e.column()).isEqualTo(22));
    assertThatThrownBy(() -> Condition.parse("  ${{ github.ref == ) }}"))
        .isInstanceOfSatisfying(
            ExpressionException.class, e -> assertThat(e.column()).isEqualTo(21));
  }

  @Test
  void evaluationErrorColumnsAreInTheIfText() {
    assertThatThrownBy(() -> Condition.parse("${{ fromJSON('x') }}").test(OK))
        .isInstanceOfSatisfying(
            ExpressionException.class, e -> assertThat(e.column()).isEqualTo(5));
  }
}
