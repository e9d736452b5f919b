package dev.pipewright.entryapi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pipewright.models.CiException;
import dev.pipewright.models.ErrorCode;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class BuildLookupTest {
  private static final UUID A = UUID.fromString("6d0e5c3f-0000-4000-8000-000000000001");
  private static final UUID B = UUID.fromString("6d0e5c3f-0000-4000-8000-000000000002");

  /** Whole ids and unreadable references never reach the store: none is given. */
  private final BuildLookup noStore = new BuildLookup(null);

  @Test
  void aWholeIdIsTakenAsIs() {
    assertThat(noStore.id(" " + A + " ")).isEqualTo(A);
  }

  @Test
  void refusesWhatIsNeitherAnIdNorTheStartOfOne() {
    assertThatThrownBy(() -> noStore.id("42"))
        .isInstanceOf(BadRequestException.class)
        .hasMessageContaining("at least 4 hex digits");
    assertThatThrownBy(() -> noStore.id("")).isInstanceOf(BadRequestException.class);
  }

  @Test
  void aPrefixMustStartExactlyOneBuild() {
    assertThat(BuildLookup.unique("6d0e5c3f", List.of(A))).isEqualTo(A);

    assertThatThrownBy(() -> BuildLookup.unique("6d0e", List.of(A, B)))
        .isInstanceOf(BadRequestException.class)
        .hasMessageContaining("6d0e is ambiguous: 2 builds start with it: " + A + ", " + B);
    assertThatThrownBy(() -> BuildLookup.unique("6d0e", List.of()))
        .isInstanceOfSatisfying(
            CiException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND))
        .hasMessage("no build id starts with 6d0e");
  }

  @Test
  void anAmbiguousPrefixListsAtMostTenCandidates() {
    List<UUID> many =
        IntStream.rangeClosed(1, BuildLookup.CANDIDATES + 1)
            .mapToObj(i -> new UUID(0x6d0e5c3f00004000L, i))
            .toList();

    assertThatThrownBy(() -> BuildLookup.unique("6d0e", many))
        .hasMessageContaining("more than 10 builds")
        .hasMessageContaining(many.get(9).toString())
        .hasMessageNotContaining(many.get(10).toString())
        .hasMessageEndingWith(", …");
  }
}
