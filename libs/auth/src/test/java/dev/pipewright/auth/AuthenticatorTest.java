package dev.pipewright.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AuthenticatorTest {
  private final Map<String, Credential> live = new HashMap<>();
  private final Authenticator auth = Authenticator.of(id -> Optional.ofNullable(live.get(id)));

  private ApiToken issue(String name, Role role) {
    ApiToken token = ApiToken.generate();
    live.put(token.id(), new Credential(token.id(), name, role, token.hash()));
    return token;
  }

  private static String bearer(ApiToken token) {
    return "Bearer " + token.reveal();
  }

  @Test
  void aTokenWhoseRoleIncludesTheNeededOneIsAllowed() {
    ApiToken submit = issue("ci", Role.SUBMIT);
    assertThat(auth.check(bearer(submit), Role.READ, "GetBuild"))
        .isEqualTo(new Verdict.Allowed(new Principal(submit.id(), "ci", Role.SUBMIT)));
    assertThat(auth.check(bearer(submit), Role.SUBMIT, "StartPipelineBuild"))
        .isInstanceOf(Verdict.Allowed.class);
    // The scheme is case-insensitive (RFC 7235).
    assertThat(auth.check("bearer " + submit.reveal(), Role.READ, "GetBuild"))
        .isInstanceOf(Verdict.Allowed.class);
  }

  @Test
  void aValidTokenWithTooSmallARoleIsPermissionDeniedNamingTheRole() {
    ApiToken read = issue("viewer", Role.READ);
    Verdict v = auth.check(bearer(read), Role.SUBMIT, "StartPipelineBuild");
    assertThat(v)
        .isEqualTo(
            new Verdict.Refused(
                Verdict.Refusal.PERMISSION_DENIED,
                "token viewer ("
                    + read.id()
                    + ", read) may not call StartPipelineBuild: that needs the submit role"));
    assertThat(((Verdict.Refused) v).reason()).doesNotContain(read.reveal());
  }

  @Test
  void missingMalformedUnknownAndForgedTokensAreUnauthenticatedWithoutEchoingThem() {
    ApiToken admin = issue("root", Role.ADMIN);
    ApiToken unknown = ApiToken.generate();
    String forged = admin.reveal().substring(0, admin.reveal().length() - 2) + "zz";
    for (String header :
        new String[] {
          null,
          "",
          "Basic dXNlcjpwYXNz",
          "Bearer not-a-token",
          bearer(unknown),
          "Bearer " + forged,
          admin.reveal()
        }) {
      Verdict v = auth.check(header, Role.READ, "GetBuild");
      assertThat(v).as(String.valueOf(header)).isInstanceOf(Verdict.Refused.class);
      Verdict.Refused refused = (Verdict.Refused) v;
      assertThat(refused.refusal()).isEqualTo(Verdict.Refusal.UNAUTHENTICATED);
      assertThat(refused.reason()).doesNotContain(admin.reveal()).doesNotContain(unknown.reveal());
    }
  }

  @Test
  void aRevokedTokenIsRefused() {
    ApiToken token = issue("gone", Role.ADMIN);
    live.remove(token.id());
    assertThat(auth.check(bearer(token), Role.READ, "GetBuild"))
        .isInstanceOf(Verdict.Refused.class);
  }

  @Test
  void disabledAllowsEverythingAnonymously() {
    Authenticator off = Authenticator.disabled();
    assertThat(off.enabled()).isFalse();
    assertThat(off.check(null, Role.ADMIN, "RevokeApiToken"))
        .isEqualTo(new Verdict.Allowed(Principal.ANONYMOUS));
  }

  @Test
  void rolesIncludeTheOnesBelow() {
    assertThat(Role.ADMIN.allows(Role.SUBMIT)).isTrue();
    assertThat(Role.SUBMIT.allows(Role.READ)).isTrue();
    assertThat(Role.READ.allows(Role.SUBMIT)).isFalse();
    assertThat(Role.SUBMIT.allows(Role.ADMIN)).isFalse();
    assertThat(Role.parse(" Submit ")).isEqualTo(Role.SUBMIT);
    assertThatThrownBy(() -> Role.parse("root"))
        .hasMessage("unknown role 'root', expected one of read|submit|admin");
  }

  @Test
  void tokenNamesAreShortAndPrintable() {
    assertThat(TokenInfo.checkName("ci-bot.2")).isEqualTo("ci-bot.2");
    for (String bad : new String[] {"", " x", "-x", "a b", "x".repeat(64), "é"}) {
      assertThatThrownBy(() -> TokenInfo.checkName(bad))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class);
    }
  }
}
