package dev.pipewright.text;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SuggestionsTest {
  private static final List<String> KEYS =
      List.of("runs-on", "steps", "timeout-minutes", "database", "GRPC_PORT", "push", "env");

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    "stpes, steps", // swapped letters: one edit
    "runs_on, runs-on",
    "databse, database",
    "GRPC_PROT, GRPC_PORT",
    "Steps, steps", // case does not count
    "psh, push",
    "timeout, timeout-minutes", // an abbreviation
  })
  void suggestsThePlausiblyMeantName(String word, String meant) {
    assertThat(Suggestions.closest(word, KEYS)).isEqualTo(meant);
  }

  @ParameterizedTest
  @CsvSource({"image", "needs", "os", "tim", "databaseurl-timeout"})
  void suggestsNothingForAnotherName(String word) {
    assertThat(Suggestions.closest(word, KEYS)).isNull();
  }

  @Test
  void nothingToChooseFromSuggestsNothing() {
    assertThat(Suggestions.closest("steps", List.of())).isNull();
  }

  @Test
  void aTranspositionIsOneEditAndTheDistanceIsSymmetric() {
    assertThat(Suggestions.distance("ab", "ba")).isEqualTo(1);
    assertThat(Suggestions.distance("kitten", "sitting")).isEqualTo(3);
    assertThat(Suggestions.distance("sitting", "kitten")).isEqualTo(3);
    assertThat(Suggestions.distance("", "abc")).isEqualTo(3);
    assertThat(Suggestions.distance("same", "same")).isZero();
  }
}
