package dev.pipewright.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ApiTokenTest {

  @Test
  void aGeneratedTokenParsesBackToItsIdAndHash() {
    ApiToken token = ApiToken.generate();
    assertThat(token.reveal()).matches("pwt_[a-z2-7]{12}_[A-Za-z0-9_-]{43}");
    ApiToken parsed = ApiToken.parse(token.reveal()).orElseThrow();
    assertThat(parsed.id()).isEqualTo(token.id());
    assertThat(parsed.hash()).hasSize(32).isEqualTo(token.hash());
    assertThat(parsed.matches(token.hash())).isTrue();
  }

  @Test
  void anotherSecretWithTheSameIdDoesNotMatch() {
    ApiToken token = ApiToken.generate();
    String forged = token.reveal().substring(0, token.reveal().length() - 1) + "A";
    if (forged.equals(token.reveal())) {
      forged = forged.substring(0, forged.length() - 1) + "B";
    }
    ApiToken other = ApiToken.parse(forged).orElseThrow();
    assertThat(other.id()).isEqualTo(token.id());
    assertThat(other.matches(token.hash())).isFalse();
  }

  @Test
  void idsAndSecretsAreRandom() {
    Set<String> ids = new HashSet<>();
    Set<String> tokens = new HashSet<>();
    for (int i = 0; i < 1000; i++) {
      ApiToken t = ApiToken.generate();
      ids.add(t.id());
      tokens.add(t.reveal());
    }
    assertThat(ids).hasSize(1000);
    assertThat(tokens).hasSize(1000);
  }

  @Test
  void textsOfAnotherShapeAreNoToken() {
    assertThat(ApiToken.parse("")).isEmpty();
    assertThat(ApiToken.parse("ghp_abcdefghijklmnopqrstuvwxyz0123456789")).isEmpty();
    String valid = ApiToken.generate().reveal();
    assertThat(ApiToken.parse(valid + "x")).isEmpty();
    assertThat(ApiToken.parse(" " + valid)).isEmpty();
    assertThat(ApiToken.parse(valid.toUpperCase())).isEmpty();
  }

  @Test
  void toStringHidesTheSecret() {
    ApiToken token = ApiToken.generate();
    assertThat(token.toString()).isEqualTo("pwt_" + token.id() + "_***");
  }
}
