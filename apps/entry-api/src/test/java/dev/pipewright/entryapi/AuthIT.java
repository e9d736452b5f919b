package dev.pipewright.entryapi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.pipewright.api.ci.v1.ApiTokenServiceGrpc;
import dev.pipewright.api.ci.v1.CancelBuildRequest;
import dev.pipewright.api.ci.v1.CreateApiTokenRequest;
import dev.pipewright.api.ci.v1.CreateApiTokenResponse;
import dev.pipewright.api.ci.v1.GetArtifactRequest;
import dev.pipewright.api.ci.v1.GetBuildLogsRequest;
import dev.pipewright.api.ci.v1.GetBuildRequest;
import dev.pipewright.api.ci.v1.ListApiTokensRequest;
import dev.pipewright.api.ci.v1.ListArtifactsRequest;
import dev.pipewright.api.ci.v1.ListBuildsRequest;
import dev.pipewright.api.ci.v1.PipelineServiceGrpc;
import dev.pipewright.api.ci.v1.RerunBuildRequest;
import dev.pipewright.api.ci.v1.RevokeApiTokenRequest;
import dev.pipewright.auth.ApiToken;
import dev.pipewright.auth.IssuedToken;
import dev.pipewright.auth.Role;
import dev.pipewright.queue.QueueSettings;
import io.grpc.ClientInterceptor;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.stub.StreamObserver;
import java.net.ConnectException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Authentication and roles over Netty on a real port, with tokens in the machine's PostgreSQL:
 * without a token only health checks answer; read, submit and admin tokens each reach what their
 * role includes, and nothing more.
 */
class AuthIT {
  static ApiFixture fx;
  static EntryApi api;
  static ManagedChannel channel;
  static IssuedToken read;
  static IssuedToken submit;

  @BeforeAll
  static void start() {
    fx = new ApiFixture();
    api =
        new EntryApi(
                EntryApiConfig.defaults()
                    .withPorts(0, 0)
                    .withDatabase(ApiFixture.POSTGRES + fx.databaseName)
                    .withQueue(QueueSettings.DEFAULT_URI, fx.prefix))
            .start();
    channel = NettyChannelBuilder.forAddress("127.0.0.1", api.grpcPort()).usePlaintext().build();
    read = fx.tokens.create("reader", Role.READ);
    submit = fx.tokens.create("submitter", Role.SUBMIT);
  }

  @AfterAll
  static void stop() throws Exception {
    channel.shutdownNow();
    api.close();
    fx.close();
  }

  private static ClientInterceptor[] as(IssuedToken token) {
    return token == null
        ? new ClientInterceptor[0]
        : new ClientInterceptor[] {ApiFixture.bearer(token)};
  }

  private static PipelineServiceGrpc.PipelineServiceBlockingStub builds(IssuedToken token) {
    return PipelineServiceGrpc.newBlockingStub(channel)
        .withInterceptors(as(token))
        .withDeadlineAfter(20, TimeUnit.SECONDS);
  }

  private static ApiTokenServiceGrpc.ApiTokenServiceBlockingStub tokens(IssuedToken token) {
    return ApiTokenServiceGrpc.newBlockingStub(channel)
        .withInterceptors(as(token))
        .withDeadlineAfter(20, TimeUnit.SECONDS);
  }

  /** Every RPC of the API, called as {@code token} with harmless arguments. */
  private static Map<String, Runnable> everyCall(IssuedToken token) {
    String unknown = UUID.randomUUID().toString();
    return Map.ofEntries(
        Map.entry(
            "StartPipelineBuild",
            () -> builds(token).startPipelineBuild(EntryApiIT.request("p-" + UUID.randomUUID()))),
        Map.entry(
            "GetBuild",
            () -> builds(token).getBuild(GetBuildRequest.newBuilder().setBuildId(unknown).build())),
        Map.entry(
            "ListBuilds", () -> builds(token).listBuilds(ListBuildsRequest.getDefaultInstance())),
        Map.entry(
            "CancelBuild",
            () ->
                builds(token)
                    .cancelBuild(CancelBuildRequest.newBuilder().setBuildId(unknown).build())),
        Map.entry(
            "RerunBuild",
            () ->
                builds(token)
                    .rerunBuild(RerunBuildRequest.newBuilder().setBuildId(unknown).build())),
        Map.entry(
            "GetBuildLogs",
            () ->
                builds(token)
                    .getBuildLogs(GetBuildLogsRequest.newBuilder().setBuildId(unknown).build())
                    .hasNext()),
        Map.entry(
            "ListArtifacts",
            () ->
                builds(token)
                    .listArtifacts(ListArtifactsRequest.newBuilder().setBuildId(unknown).build())),
        Map.entry(
            "GetArtifact",
            () ->
                builds(token)
                    .getArtifact(
                        GetArtifactRequest.newBuilder().setBuildId(unknown).setName("x").build())
                    .hasNext()),
        Map.entry(
            "ListApiTokens",
            () -> tokens(token).listApiTokens(ListApiTokensRequest.getDefaultInstance())),
        Map.entry(
            "CreateApiToken",
            () ->
                tokens(token)
                    .createApiToken(CreateApiTokenRequest.newBuilder().setName("x").build())),
        Map.entry(
            "RevokeApiToken",
            () ->
                tokens(token)
                    .revokeApiToken(RevokeApiTokenRequest.newBuilder().setName("x").build())),
        Map.entry("ServerReflectionInfo", () -> listServices(token)));
  }

  /** The status each call ends with: OK, or the code it failed with. */
  private static Status.Code code(Runnable call) {
    try {
      call.run();
      return Status.Code.OK;
    } catch (StatusRuntimeException e) {
      return e.getStatus().getCode();
    }
  }

  private static void expect(IssuedToken token, Consumer<Map<String, Status.Code>> check) {
    Map<String, Status.Code> codes = new TreeMap<>();
    everyCall(token).forEach((name, call) -> codes.put(name, code(call)));
    check.accept(codes);
  }

  @Test
  void everyCallCoversEveryMethodOfTheServices() {
    List<String> methods =
        Stream.of(
                PipelineServiceGrpc.getServiceDescriptor(),
                ApiTokenServiceGrpc.getServiceDescriptor())
            .flatMap(d -> d.getMethods().stream())
            .map(m -> m.getBareMethodName())
            .toList();
    assertThat(everyCall(null).keySet()).containsAll(methods);
  }

  @Test
  void withoutATokenEveryCallButHealthIsRefused() {
    expect(
        null,
        codes ->
            assertThat(codes.values())
                .as(codes.toString())
                .containsOnly(Status.Code.UNAUTHENTICATED));
    assertThat(
            HealthGrpc.newBlockingStub(channel)
                .check(HealthCheckRequest.getDefaultInstance())
                .getStatus())
        .isEqualTo(HealthCheckResponse.ServingStatus.SERVING);

    // The read token's id with another secret.
    String real = read.token().reveal();
    String secret = real.substring(0, real.length() - 1) + (real.endsWith("A") ? "B" : "A");
    IssuedToken forged = new IssuedToken(read.info(), ApiToken.parse(secret).orElseThrow());
    assertThat(code(() -> builds(forged).listBuilds(ListBuildsRequest.getDefaultInstance())))
        .isEqualTo(Status.Code.UNAUTHENTICATED);
    assertThat(api.metrics().scrape())
        .containsPattern(
            "pipewright_auth_refused_total\\{reason=\"unauthenticated\",transport=\"grpc\"} [1-9]");
  }

  @Test
  void aReadTokenReadsButCannotSubmitCancelOrManageTokens() {
    expect(
        read,
        codes -> {
          assertThat(codes)
              .containsEntry("ListBuilds", Status.Code.OK)
              .containsEntry("GetBuild", Status.Code.NOT_FOUND)
              .containsEntry("GetBuildLogs", Status.Code.NOT_FOUND)
              .containsEntry("ListArtifacts", Status.Code.NOT_FOUND)
              .containsEntry("GetArtifact", Status.Code.NOT_FOUND)
              .containsEntry("ServerReflectionInfo", Status.Code.OK)
              .containsEntry("StartPipelineBuild", Status.Code.PERMISSION_DENIED)
              .containsEntry("CancelBuild", Status.Code.PERMISSION_DENIED)
              .containsEntry("RerunBuild", Status.Code.PERMISSION_DENIED)
              .containsEntry("ListApiTokens", Status.Code.PERMISSION_DENIED)
              .containsEntry("CreateApiToken", Status.Code.PERMISSION_DENIED)
              .containsEntry("RevokeApiToken", Status.Code.PERMISSION_DENIED);
        });
    StatusRuntimeException denied =
        EntryApiIT.catchStatus(
            () -> builds(read).startPipelineBuild(EntryApiIT.request("p-" + UUID.randomUUID())));
    assertThat(denied.getStatus().getDescription())
        .isEqualTo(
            "token reader ("
                + read.token().id()
                + ", read) may not call StartPipelineBuild: that needs the submit role");
  }

  @Test
  void aSubmitTokenStartsAndCancelsBuildsButManagesNoTokens() {
    expect(
        submit,
        codes ->
            assertThat(codes)
                .containsEntry("StartPipelineBuild", Status.Code.OK)
                .containsEntry("CancelBuild", Status.Code.NOT_FOUND)
                .containsEntry("RerunBuild", Status.Code.NOT_FOUND)
                .containsEntry("ListApiTokens", Status.Code.PERMISSION_DENIED)
                .containsEntry("CreateApiToken", Status.Code.PERMISSION_DENIED));
    String id =
        builds(submit)
            .startPipelineBuild(EntryApiIT.request("p-" + UUID.randomUUID()))
            .getBuildId();
    assertThat(
            builds(submit)
                .cancelBuild(CancelBuildRequest.newBuilder().setBuildId(id).build())
                .getBuild()
                .getCancelRequested())
        .isTrue();
  }

  @Test
  void anAdminTokenCreatesListsAndRevokesTokensOverTheApi() {
    CreateApiTokenResponse created =
        tokens(fx.admin)
            .createApiToken(
                CreateApiTokenRequest.newBuilder()
                    .setName("ci-bot")
                    .setRole(dev.pipewright.api.ci.v1.Role.ROLE_SUBMIT)
                    .build());
    assertThat(created.getSecret()).startsWith("pwt_" + created.getToken().getId() + "_");
    IssuedToken bot =
        new IssuedToken(
            TokenProtos.info(created.getToken()),
            ApiToken.parse(created.getSecret()).orElseThrow());
    assertThat(code(() -> builds(bot).startPipelineBuild(EntryApiIT.request("p-bot"))))
        .isEqualTo(Status.Code.OK);
    assertThat(
            tokens(fx.admin)
                .listApiTokens(ListApiTokensRequest.getDefaultInstance())
                .getTokensList())
        .extracting(dev.pipewright.api.ci.v1.ApiToken::getName)
        .contains("fixture-admin", "reader", "submitter", "ci-bot");

    assertThat(
            tokens(fx.admin)
                .revokeApiToken(RevokeApiTokenRequest.newBuilder().setName("ci-bot").build())
                .getToken()
                .hasRevokeTime())
        .isTrue();
    assertThat(code(() -> builds(bot).listBuilds(ListBuildsRequest.getDefaultInstance())))
        .isEqualTo(Status.Code.UNAUTHENTICATED);
    assertThat(
            code(
                () ->
                    tokens(fx.admin)
                        .revokeApiToken(
                            RevokeApiTokenRequest.newBuilder().setName("ci-bot").build())))
        .isEqualTo(Status.Code.NOT_FOUND);
    assertThat(
            code(
                () ->
                    tokens(fx.admin)
                        .createApiToken(
                            CreateApiTokenRequest.newBuilder()
                                .setName("has space")
                                .setRole(dev.pipewright.api.ci.v1.Role.ROLE_READ)
                                .build())))
        .isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(
            code(
                () ->
                    tokens(fx.admin)
                        .createApiToken(
                            CreateApiTokenRequest.newBuilder().setName("no-role").build())))
        .isEqualTo(Status.Code.INVALID_ARGUMENT);
  }

  @Test
  void theHttpLogRouteNeedsAReadTokenAndHealthDoesNot() throws Exception {
    String id =
        builds(submit)
            .startPipelineBuild(EntryApiIT.request("p-" + UUID.randomUUID()))
            .getBuildId();
    String logs = "/builds/" + id + "/logs";
    try (HttpClient http = HttpClient.newHttpClient()) {
      assertThat(send(http, logs, null).statusCode()).isEqualTo(401);
      HttpResponse<String> invalid = send(http, logs, "Bearer " + ApiToken.generate().reveal());
      assertThat(invalid.statusCode()).isEqualTo(401);
      assertThat(invalid.headers().firstValue("WWW-Authenticate")).isPresent();
      assertThat(send(http, logs, "Bearer " + read.token().reveal()).statusCode()).isEqualTo(200);
      assertThat(send(http, "/healthz", null).statusCode()).isEqualTo(200);
      assertThat(send(http, "/readyz", null).statusCode()).isEqualTo(200);
      assertThat(send(http, "/metrics", null).statusCode()).as("open by default").isEqualTo(200);
    }
    assertThat(api.metrics().scrape())
        .containsPattern(
            "pipewright_auth_refused_total\\{reason=\"unauthenticated\",transport=\"http\"} [1-9]");
  }

  @Test
  void refusalsAreLoggedWithTheTokenIdButNeverTheToken() {
    IssuedToken revoked = fx.tokens.create("leaked", Role.ADMIN);
    fx.tokens.revoke("leaked");
    Logger logger = (Logger) LoggerFactory.getLogger(dev.pipewright.ops.access.Refusals.class);
    ListAppender<ILoggingEvent> events = new ListAppender<>();
    events.start();
    logger.addAppender(events);
    try {
      assertThat(code(() -> builds(revoked).listBuilds(ListBuildsRequest.getDefaultInstance())))
          .isEqualTo(Status.Code.UNAUTHENTICATED);
      assertThat(code(() -> builds(read).cancelBuild(CancelBuildRequest.getDefaultInstance())))
          .isEqualTo(Status.Code.PERMISSION_DENIED);
    } finally {
      logger.detachAppender(events);
    }
    assertThat(events.list).extracting(ILoggingEvent::getFormattedMessage).hasSize(2);
    assertThat(events.list.get(0).getFormattedMessage())
        .contains("ci.v1.PipelineService/ListBuilds", "unauthenticated", revoked.token().id())
        .doesNotContain(revoked.token().reveal());
    assertThat(events.list.get(1).getFormattedMessage())
        .contains("permission_denied", "token reader")
        .doesNotContain(read.token().reveal());
  }

  @Test
  void bothPortsListenOnTheBindAddressOnly() throws Exception {
    EntryApiConfig config =
        EntryApiConfig.defaults()
            .withPorts(0, 0)
            .withDatabase(ApiFixture.POSTGRES + fx.databaseName)
            .withQueue(QueueSettings.DEFAULT_URI, fx.prefix);
    try (EntryApi other =
        new EntryApi(config.withListeners(config.listeners().withBindAddress("127.0.0.2")))
            .start()) {
      for (int port : new int[] {other.grpcPort(), other.httpPort()}) {
        try (Socket ok = new Socket("127.0.0.2", port)) {
          assertThat(ok.isConnected()).isTrue();
        }
        assertThatThrownBy(() -> new Socket("127.0.0.1", port).close())
            .isInstanceOf(ConnectException.class);
      }
    }
  }

  private static HttpResponse<String> send(HttpClient http, String path, String authorization)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.httpPort() + path));
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** Lists the services through v1 reflection, as grpcurl does; fails with the call's status. */
  private static List<String> listServices(IssuedToken token) {
    CompletableFuture<List<String>> result = new CompletableFuture<>();
    StreamObserver<ServerReflectionRequest> requests =
        ServerReflectionGrpc.newStub(channel)
            .withInterceptors(as(token))
            .serverReflectionInfo(
                new StreamObserver<>() {
                  @Override
                  public void onNext(ServerReflectionResponse r) {
                    result.complete(
                        r.getListServicesResponse().getServiceList().stream()
                            .map(s -> s.getName())
                            .toList());
                  }

                  @Override
                  public void onError(Throwable t) {
                    result.completeExceptionally(t);
                  }

                  @Override
                  public void onCompleted() {
                    result.complete(List.of());
                  }
                });
    requests.onNext(ServerReflectionRequest.newBuilder().setListServices("*").build());
    requests.onCompleted();
    try {
      return result.get(20, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof StatusRuntimeException status) {
        throw status;
      }
      throw new AssertionError(e);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
