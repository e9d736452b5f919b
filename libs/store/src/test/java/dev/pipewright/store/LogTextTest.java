package dev.pipewright.store;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LogTextTest {
  @Test
  void storableTextIsKeptAsTheSameInstance() {
    String text = "plain \u001b[31mred\u001b[0m\ttab é € \uD83D\uDE00\n";
    assertThat(LogText.storable(text)).isSameAs(text);
  }

  @Test
  void nulBecomesTheVisibleSymbolForNull() {
    assertThat(LogText.storable("a\0b\n\0")).isEqualTo("a\u2400b\n\u2400");
  }

  @Test
  void unpairedSurrogatesBecomeTheReplacementCharacterAndPairsAreKept() {
    assertThat(LogText.storable("\0\uD83D\uDE00 \uD83D x \uDE00\uD83D"))
        .isEqualTo("\u2400\uD83D\uDE00 \uFFFD x \uFFFD\uFFFD");
  }
}
