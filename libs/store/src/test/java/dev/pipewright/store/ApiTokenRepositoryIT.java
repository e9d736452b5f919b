package dev.pipewright.store;

import static dev.pipewright.store.jooq.Tables.API_TOKENS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.pipewright.auth.Authenticator;
import dev.pipewright.auth.IssuedToken;
import dev.pipewright.auth.Role;
import dev.pipewright.auth.TokenInfo;
import dev.pipewright.auth.Verdict;
import dev.pipewright.models.CiException;
import dev.pipewright.models.ErrorCode;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ApiTokenRepositoryIT {
  @RegisterExtension static final TestDatabase db = new TestDatabase();

  private final ApiTokenRepository tokens = new ApiTokenRepository(db.dsl());
  private final Authenticator auth = Authenticator.of(tokens);

  @BeforeEach
  void noTokens() {
    db.dsl().deleteFrom(API_TOKENS).execute();
  }

  private static String bearer(IssuedToken t) {
    return "Bearer " + t.token().reveal();
  }

  @Test
  void aCreatedTokenAuthenticatesAndOnlyItsHashIsStored() {
    assertThat(tokens.anyLive()).isFalse();
    IssuedToken issued = tokens.create("ci", Role.SUBMIT);
    assertThat(issued.info().name()).isEqualTo("ci");
    assertThat(issued.info().role()).isEqualTo(Role.SUBMIT);
    assertThat(issued.info().id()).isEqualTo(issued.token().id());
    assertThat(issued.info().live()).isTrue();
    assertThat(tokens.anyLive()).isTrue();

    assertThat(auth.check(bearer(issued), Role.SUBMIT, "StartPipelineBuild"))
        .isInstanceOf(Verdict.Allowed.class);
    var row = db.dsl().selectFrom(API_TOKENS).fetchSingle();
    assertThat(row.getTokenHash()).isEqualTo(issued.token().hash());
    String dump = row.formatCSV() + new String(row.getTokenHash(), StandardCharsets.ISO_8859_1);
    assertThat(dump).doesNotContain(issued.token().reveal().substring(17));
  }

  @Test
  void aRevokedTokenIsRefusedListedAsRevokedAndItsNameFreed() {
    IssuedToken first = tokens.create("bot", Role.READ);
    TokenInfo revoked = tokens.revoke("bot");
    assertThat(revoked.revokedAt()).isPresent();
    assertThat(auth.check(bearer(first), Role.READ, "GetBuild"))
        .isInstanceOf(Verdict.Refused.class);

    IssuedToken second = tokens.create("bot", Role.ADMIN);
    assertThat(tokens.list())
        .extracting(TokenInfo::id, TokenInfo::live)
        .containsExactly(tuple(first.token().id(), false), tuple(second.token().id(), true));
  }

  @Test
  void liveNamesAreUniqueAndRevokingAnUnknownNameIsNotFound() {
    tokens.create("ops", Role.ADMIN);
    assertThatThrownBy(() -> tokens.create("ops", Role.READ))
        .isInstanceOfSatisfying(
            CiException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.CONFLICT))
        .hasMessageContaining("'ops'");
    assertThatThrownBy(() -> tokens.revoke("nobody"))
        .isInstanceOfSatisfying(
            CiException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND));
    assertThatThrownBy(() -> tokens.create("no spaces", Role.READ))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void replaceRevokesThePreviousTokenOfThatName() {
    IssuedToken old = tokens.replace("demo", Role.ADMIN);
    IssuedToken renewed = tokens.replace("demo", Role.ADMIN);
    assertThat(auth.check(bearer(old), Role.READ, "GetBuild")).isInstanceOf(Verdict.Refused.class);
    assertThat(auth.check(bearer(renewed), Role.ADMIN, "ListApiTokens"))
        .isInstanceOf(Verdict.Allowed.class);
    assertThat(tokens.list()).filteredOn(TokenInfo::live).hasSize(1);
  }
}
