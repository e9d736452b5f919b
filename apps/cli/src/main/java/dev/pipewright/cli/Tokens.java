package dev.pipewright.cli;

import dev.pipewright.api.ci.v1.CreateApiTokenRequest;
import dev.pipewright.api.ci.v1.CreateApiTokenResponse;
import dev.pipewright.api.ci.v1.ListApiTokensRequest;
import dev.pipewright.api.ci.v1.RevokeApiTokenRequest;
import dev.pipewright.auth.ApiToken;
import dev.pipewright.auth.IssuedToken;
import dev.pipewright.auth.Role;
import dev.pipewright.auth.TokenInfo;
import dev.pipewright.cli.client.ApiClient;
import dev.pipewright.entryapi.TokenProtos;
import dev.pipewright.ops.config.PipewrightConfig;
import dev.pipewright.store.ApiTokenRepository;
import dev.pipewright.store.Database;
import java.util.List;

/**
 * Where {@code pipewright token} manages tokens: through the entry API with an admin token, or
 * straight in PostgreSQL ({@code --database}) when there is no admin token yet.
 */
interface Tokens extends AutoCloseable {
  IssuedToken create(String name, Role role);

  List<TokenInfo> list();

  TokenInfo revoke(String name);

  @Override
  void close();

  /** Through {@code ci.v1.ApiTokenService}; the caller owns {@code api}. */
  static Tokens remote(ApiClient api) {
    return new Tokens() {
      @Override
      public IssuedToken create(String name, Role role) {
        CreateApiTokenResponse r =
            api.tokens()
                .createApiToken(
                    CreateApiTokenRequest.newBuilder()
                        .setName(name)
                        .setRole(TokenProtos.role(role))
                        .build());
        return new IssuedToken(
            TokenProtos.info(r.getToken()),
            ApiToken.parse(r.getSecret())
                .orElseThrow(() -> new IllegalStateException("the server sent no valid token")));
      }

      @Override
      public List<TokenInfo> list() {
        return api
            .tokens()
            .listApiTokens(ListApiTokensRequest.getDefaultInstance())
            .getTokensList()
            .stream()
            .map(TokenProtos::info)
            .toList();
      }

      @Override
      public TokenInfo revoke(String name) {
        return TokenProtos.info(
            api.tokens()
                .revokeApiToken(RevokeApiTokenRequest.newBuilder().setName(name).build())
                .getToken());
      }

      @Override
      public void close() {}
    };
  }

  /**
   * In the database of {@code database} (created and migrated if missing), as a server would store
   * them: the bootstrap of the first admin token.
   *
   * @throws dev.pipewright.models.CiException when PostgreSQL cannot be used
   */
  static Tokens direct(PipewrightConfig.Database database) {
    Database db = Database.open(database.url(), database.user(), database.password(), 2);
    ApiTokenRepository tokens = new ApiTokenRepository(db.dsl());
    return new Tokens() {
      @Override
      public IssuedToken create(String name, Role role) {
        return tokens.create(name, role);
      }

      @Override
      public List<TokenInfo> list() {
        return tokens.list();
      }

      @Override
      public TokenInfo revoke(String name) {
        return tokens.revoke(name);
      }

      @Override
      public void close() {
        db.close();
      }
    };
  }
}
