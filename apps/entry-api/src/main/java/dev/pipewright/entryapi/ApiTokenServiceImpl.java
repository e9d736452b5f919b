package dev.pipewright.entryapi;

import dev.pipewright.api.ci.v1.ApiTokenServiceGrpc;
import dev.pipewright.api.ci.v1.CreateApiTokenRequest;
import dev.pipewright.api.ci.v1.CreateApiTokenResponse;
import dev.pipewright.api.ci.v1.ListApiTokensRequest;
import dev.pipewright.api.ci.v1.ListApiTokensResponse;
import dev.pipewright.api.ci.v1.RevokeApiTokenRequest;
import dev.pipewright.api.ci.v1.RevokeApiTokenResponse;
import dev.pipewright.auth.IssuedToken;
import dev.pipewright.auth.Role;
import dev.pipewright.auth.TokenInfo;
import dev.pipewright.store.ApiTokenRepository;
import io.grpc.stub.StreamObserver;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ci.v1.ApiTokenService over the store; {@link AuthInterceptor} lets only admin tokens in. Every
 * change is logged with the token that made it.
 */
final class ApiTokenServiceImpl extends ApiTokenServiceGrpc.ApiTokenServiceImplBase {
  private static final Logger log = LoggerFactory.getLogger(ApiTokenServiceImpl.class);

  private final ApiTokenRepository tokens;
  private final Consumer<String> revoked;

  /**
   * @param revoked told the id of each token revoked here, so this service's authentication stops
   *     accepting it at once rather than once it is no longer remembered
   */
  ApiTokenServiceImpl(ApiTokenRepository tokens, Consumer<String> revoked) {
    this.tokens = tokens;
    this.revoked = revoked;
  }

  @Override
  public void createApiToken(
      CreateApiTokenRequest request, StreamObserver<CreateApiTokenResponse> response) {
    unary(
        response,
        () -> {
          String name = field("name", () -> TokenInfo.checkName(request.getName()));
          Role role = field("role", () -> TokenProtos.role(request.getRole()));
          IssuedToken issued = tokens.create(name, role);
          log.info(
              "API token {} ({}, {}) created by {}",
              name,
              issued.info().id(),
              role,
              AuthInterceptor.caller());
          return CreateApiTokenResponse.newBuilder()
              .setToken(TokenProtos.token(issued.info()))
              .setSecret(issued.token().reveal())
              .build();
        });
  }

  @Override
  public void listApiTokens(
      ListApiTokensRequest request, StreamObserver<ListApiTokensResponse> response) {
    unary(
        response,
        () -> {
          ListApiTokensResponse.Builder b = ListApiTokensResponse.newBuilder();
          tokens.list().forEach(t -> b.addTokens(TokenProtos.token(t)));
          return b.build();
        });
  }

  @Override
  public void revokeApiToken(
      RevokeApiTokenRequest request, StreamObserver<RevokeApiTokenResponse> response) {
    unary(
        response,
        () -> {
          TokenInfo revoked = tokens.revoke(request.getName());
          this.revoked.accept(revoked.id());
          log.info(
              "API token {} ({}) revoked by {}",
              revoked.name(),
              revoked.id(),
              AuthInterceptor.caller());
          return RevokeApiTokenResponse.newBuilder().setToken(TokenProtos.token(revoked)).build();
        });
  }

  private static <T> T field(String name, Supplier<T> parse) {
    try {
      return parse.get();
    } catch (IllegalArgumentException e) {
      throw new BadRequestException(name, e.getMessage());
    }
  }

  private static <T> void unary(StreamObserver<T> response, Supplier<T> call) {
    T result;
    try {
      result = call.get();
    } catch (RuntimeException e) {
      response.onError(GrpcErrors.toStatus(e));
      return;
    }
    response.onNext(result);
    response.onCompleted();
  }
}
