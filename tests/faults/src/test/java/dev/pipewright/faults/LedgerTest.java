package dev.pipewright.faults;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LedgerTest {
  private static Ledger.LineCount count(String log, int expected) {
    return Ledger.lines(log, "s", expected);
  }

  @Test
  void aCompleteAttemptLosesAndRepeatsNothing() {
    assertThat(count("s attempt\ns 1\nother\ns 2\ns 3\n", 3)).isEqualTo(new Ledger.LineCount(0, 0));
  }

  @Test
  void aGapAndTheMissingTailAreLost() {
    assertThat(count("s attempt\ns 1\ns 3\n", 5)).isEqualTo(new Ledger.LineCount(3, 0));
  }

  @Test
  void aLineStoredTwiceIsDuplicated() {
    assertThat(count("s attempt\ns 1\ns 2\ns 2\ns 3\n", 3)).isEqualTo(new Ledger.LineCount(0, 1));
  }

  @Test
  void anAttemptCutShortMayStopEarlyButTheNextMustBeComplete() {
    String log = "s attempt\ns 1\ns 2\ns attempt\ns 1\ns 2\ns 3\n";
    assertThat(count(log, 3)).isEqualTo(new Ledger.LineCount(0, 0));
    assertThat(count("s attempt\ns 2\ns attempt\ns 1\ns 2\n", 3))
        .isEqualTo(new Ledger.LineCount(2, 0));
  }

  @Test
  void linesOfAnotherStepWithACommonPrefixAreNotCounted() {
    assertThat(count("s attempt\ns 1\nss 2\nss 2\ns 2\nx s 3\n", 2))
        .isEqualTo(new Ledger.LineCount(0, 0));
  }
}
