package dev.pipewright.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;
import org.junit.jupiter.api.Test;

class IdPrefixTest {
  @Test
  void theEightCharactersTheCliPrintsSpanEveryIdStartingWithThem() {
    IdPrefix prefix = IdPrefix.parse("6D0E5C3F").orElseThrow();

    assertThat(prefix.lowest()).isEqualTo(UUID.fromString("6d0e5c3f-0000-0000-0000-000000000000"));
    assertThat(prefix.highest()).isEqualTo(UUID.fromString("6d0e5c3f-ffff-ffff-ffff-ffffffffffff"));
  }

  @Test
  void aPrefixMayRunPastAHyphen() {
    IdPrefix prefix = IdPrefix.parse("6d0e5c3f-12").orElseThrow();

    assertThat(prefix.lowest()).isEqualTo(UUID.fromString("6d0e5c3f-1200-0000-0000-000000000000"));
    assertThat(prefix.highest()).isEqualTo(UUID.fromString("6d0e5c3f-12ff-ffff-ffff-ffffffffffff"));
  }

  @Test
  void refusesWhatCannotStartAnId() {
    assertThat(IdPrefix.parse("6d0")).as("too short").isEmpty();
    assertThat(IdPrefix.parse("6d0e5c3f12")).as("no hyphen where a uuid has one").isEmpty();
    assertThat(IdPrefix.parse("6d0g")).as("not hex").isEmpty();
    assertThat(IdPrefix.parse("6d0e5c3f-1234-1234-1234-123456789abc")).as("a whole id").isEmpty();
  }
}
