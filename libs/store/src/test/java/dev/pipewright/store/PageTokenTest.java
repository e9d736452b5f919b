package dev.pipewright.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pipewright.models.CiException;
import dev.pipewright.models.ErrorCode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class PageTokenTest {
  @Test
  void roundTripsToTheMicrosecond() {
    PageToken token =
        new PageToken(Instant.parse("2025-03-04T05:06:07.123456789Z"), UUID.randomUUID());

    PageToken decoded = PageToken.decode(token.encode());

    assertThat(decoded).isEqualTo(token);
    assertThat(decoded.createdAt()).isEqualTo(Instant.parse("2025-03-04T05:06:07.123456Z"));
  }

  @Test
  void isUrlSafe() {
    String encoded = new PageToken(Instant.now(), UUID.randomUUID()).encode();

    assertThat(encoded).matches("[A-Za-z0-9_-]+");
  }

  @Test
  void keepsTimesBeforeTheEpoch() {
    PageToken token = new PageToken(Instant.parse("1969-12-31T23:59:59.5Z"), UUID.randomUUID());

    assertThat(PageToken.decode(token.encode())).isEqualTo(token);
  }

  @Test
  void refusesTokensItDidNotMake() {
    String wrongVersion =
        Base64.getUrlEncoder()
            .encodeToString(("v0:1:" + UUID.randomUUID()).getBytes(StandardCharsets.UTF_8));
    String notAUuid =
        Base64.getUrlEncoder().encodeToString("v1:1:nope".getBytes(StandardCharsets.UTF_8));

    for (String bad : new String[] {"%%%", "", wrongVersion, notAUuid}) {
      assertThatThrownBy(() -> PageToken.decode(bad))
          .as(bad)
          .isInstanceOfSatisfying(
              CiException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_SPEC));
    }
  }
}
