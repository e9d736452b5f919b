package dev.pipewright.entryapi;

import static dev.pipewright.store.jooq.Tables.BUILD_LOGS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.rpc.BadRequest;
import dev.pipewright.api.ci.v1.Build;
import dev.pipewright.api.ci.v1.BuildStatus;
import dev.pipewright.api.ci.v1.CancelBuildRequest;
import dev.pipewright.api.ci.v1.GetBuildLogsRequest;
import dev.pipewright.api.ci.v1.GetBuildLogsResponse;
import dev.pipewright.api.ci.v1.GetBuildRequest;
import dev.pipewright.api.ci.v1.ListBuildsRequest;
import dev.pipewright.api.ci.v1.ListBuildsResponse;
import dev.pipewright.api.ci.v1.LogChunk;
import dev.pipewright.api.ci.v1.PipelineServiceGrpc;
import dev.pipewright.api.ci.v1.StartPipelineBuildRequest;
import dev.pipewright.api.ci.v1.StartPipelineBuildResponse;
import dev.pipewright.api.ci.v1.Variable;
import dev.pipewright.capabilities.Target;
import dev.pipewright.queue.QueueSettings;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.StreamObserver;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The gRPC API against the machine's PostgreSQL and RabbitMQ. */
class EntryApiIT {
  static final Duration DEADLINE = Duration.ofSeconds(20);
  static final String WORKFLOW = RequestsTest.WORKFLOW;

  static ApiFixture fx;

  @BeforeAll
  static void start() {
    fx = new ApiFixture();
  }

  @AfterAll
  static void stop() throws Exception {
    fx.close();
  }

  static StartPipelineBuildRequest request(String pipeline) {
    return StartPipelineBuildRequest.newBuilder()
        .setPipelineId(pipeline)
        .setWorkflowYaml(WORKFLOW)
        .setWorkflowPath("ci.yml")
        .build();
  }

  static String pipeline() {
    return "p-" + UUID.randomUUID();
  }

  static Build get(PipelineServiceGrpc.PipelineServiceBlockingStub stub, String id) {
    return stub.getBuild(GetBuildRequest.newBuilder().setBuildId(id).build());
  }

  @Test
  void startedBuildIsQueuedWithAMessageOnTheQueue() throws Exception {
    String pipeline = pipeline();
    StartPipelineBuildResponse started = fx.stub.startPipelineBuild(request(pipeline));
    assertThat(started.getStatus()).isEqualTo(BuildStatus.BUILD_STATUS_PENDING);
    assertThat(started.getNumber()).isEqualTo(1);

    await()
        .atMost(DEADLINE)
        .until(
            () -> get(fx.stub, started.getBuildId()).getStatus(),
            s -> s == BuildStatus.BUILD_STATUS_QUEUED);
    Build build = get(fx.stub, started.getBuildId());
    assertThat(build.getPipelineId()).isEqualTo(pipeline);
    assertThat(build.hasQueueTime()).isTrue();
    assertThat(build.getWorkflowPath()).isEqualTo("ci.yml");
    assertThat(queuedBuildIds()).contains(started.getBuildId());
  }

  @Test
  void aBuildWithSecretsIsRefusedWithoutASecretKeyAndSaysHowToMakeOne() {
    String pipeline = pipeline();
    StartPipelineBuildRequest withSecret =
        request(pipeline).toBuilder()
            .putVariables("TOKEN", Variable.newBuilder().setValue("s3cr3t").setSecret(true).build())
            .putVariables("MODE", Variable.newBuilder().setValue("fast").build())
            .build();

    StatusRuntimeException refused = catchStatus(() -> fx.stub.startPipelineBuild(withSecret));

    assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
    assertThat(refused.getStatus().getDescription())
        .contains("secret variables [TOKEN] but no secret key is configured")
        .contains("pipewright secret-key create")
        .contains("PIPEWRIGHT_SECRET_KEY_FILE")
        .doesNotContain("s3cr3t");
    assertThat(list(pipeline, 10, "").getBuildsList()).isEmpty();
    // Without secrets, no key is needed.
    assertThat(
            fx.stub
                .startPipelineBuild(
                    request(pipeline).toBuilder()
                        .putVariables("MODE", Variable.newBuilder().setValue("fast").build())
                        .build())
                .getNumber())
        .isEqualTo(1);
  }

  @Test
  void invalidWorkflowIsRefusedWithEveryPositionAndNothingIsStored() throws Exception {
    String pipeline = pipeline();
    String yaml =
        """
        on: push
        jobs:
          build:
            runs-on: ubuntu-latest
            needs: [missing]
            steps:
              - run: echo hi
        """;
    StatusRuntimeException error =
        catchStatus(
            () ->
                fx.stub.startPipelineBuild(
                    request(pipeline).toBuilder().setWorkflowYaml(yaml).build()));
    assertThat(error.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(badRequest(error).getFieldViolationsList())
        .isNotEmpty()
        .allSatisfy(
            v -> {
              assertThat(v.getField()).isEqualTo("workflow_yaml");
              assertThat(v.getDescription()).matches("ci\\.yml:\\d+:\\d+: .+");
            });
    assertThat(list(pipeline, 10, "").getBuildsList()).isEmpty();
  }

  /**
   * Issue 14 ("no silent success"): what the installation's executor cannot run is refused at
   * admission like a parse error, with every position, and nothing is stored; a key it only does
   * not honour (concurrency) is no refusal.
   */
  @Test
  void whatTheExecutorCannotRunIsRefusedWithItsPosition() throws Exception {
    String yaml =
        """
        on: push
        concurrency: ci
        jobs:
          build:
            runs-on: ubuntu-latest
            container: debian:bookworm-slim
            services:
              db: postgres:16
            steps:
              - uses: actions/cache@v4
              - run: echo hi
        """;
    refusedThenAdmitted(
        fx.api.config().withTarget(Target.local(false)),
        yaml,
        yaml.replace("    services:\n      db: postgres:16\n", "")
            .replace("      - uses: actions/cache@v4\n", "")
            .replace("    container: debian:bookworm-slim\n", ""),
        "ci.yml:6:5: job 'build' sets 'container:', but the local workers have no container"
            + " engine (podman)",
        "ci.yml:7:5: job 'build' sets 'services:', but the local workers have no container engine"
            + " (podman)");
  }

  /**
   * On an entry API of its own started with {@code config}: {@code yaml} is refused with {@code
   * expected} and nothing is stored; {@code runnable} is then admitted and queued.
   */
  private static void refusedThenAdmitted(
      EntryApiConfig config, String yaml, String runnable, String... expected) throws Exception {
    withApi(
        config,
        stub -> {
          String pipeline = assertRefused(stub, yaml, expected);
          String id =
              stub.startPipelineBuild(
                      request(pipeline).toBuilder().setWorkflowYaml(runnable).build())
                  .getBuildId();
          await()
              .atMost(DEADLINE)
              .until(() -> get(stub, id).getStatus(), s -> s == BuildStatus.BUILD_STATUS_QUEUED);
        });
  }

  /**
   * Asserts a StartPipelineBuild of {@code yaml} for a new pipeline is refused as INVALID_ARGUMENT
   * with {@code expected} and stores nothing; returns the pipeline.
   */
  private static String assertRefused(
      PipelineServiceGrpc.PipelineServiceBlockingStub stub, String yaml, String... expected)
      throws Exception {
    String pipeline = pipeline();
    StatusRuntimeException error =
        catchStatus(
            () ->
                stub.startPipelineBuild(
                    request(pipeline).toBuilder().setWorkflowYaml(yaml).build()));
    assertThat(violations(error)).containsExactly(expected);
    assertThat(list(pipeline, 10, "").getBuildsList()).isEmpty();
    return pipeline;
  }

  /** What a test does with a stub of an entry API of its own. */
  private interface StubCalls {
    void run(PipelineServiceGrpc.PipelineServiceBlockingStub stub) throws Exception;
  }

  /** {@code calls} on an entry API started with {@code config}, over a real port, as the admin. */
  private static void withApi(EntryApiConfig config, StubCalls calls) throws Exception {
    try (EntryApi api = new EntryApi(config.withPorts(0, 0)).start()) {
      ManagedChannel channel =
          ManagedChannelBuilder.forAddress("127.0.0.1", api.grpcPort()).usePlaintext().build();
      try {
        calls.run(
            PipelineServiceGrpc.newBlockingStub(channel)
                .withInterceptors(ApiFixture.bearer(fx.admin)));
      } finally {
        channel.shutdownNow();
      }
    }
  }

  /**
   * Issue 14: with a source of remote actions configured (here an offline directory of bare
   * repositories: never the network), admission reads their manifests; a Dockerfile action is
   * refused at its 'uses:' and nothing is stored, a JavaScript action is admitted.
   */
  @Test
  void aDockerfileActionIsRefusedAtAdmission(@TempDir Path root) throws Exception {
    String yaml =
        "on: workflow_dispatch\njobs:\n  deploy:\n    runs-on: linux\n    steps:\n"
            + "      - {uses: acme/built@v1}\n      - {uses: acme/js@v1}\n";
    refusedThenAdmitted(
        fx.api.config().withActions(OfflineActions.under(root)),
        yaml,
        yaml.replace("      - {uses: acme/built@v1}\n", ""),
        "ci.yml:6:10: step 1 of job 'deploy' uses the action 'acme/built@v1': it is a Docker"
            + " action built from 'Dockerfile', which is refused until an image builder exists");
  }

  /**
   * Over a real port, as the issue's attacker sent them: each hostile workflow is refused with its
   * position like any invalid one, a message past the size gRPC reads is refused unread, and the
   * API answers normally afterwards.
   */
  @Test
  void hostileWorkflowsAreInvalidArgumentsWithTheirPosition() throws Exception {
    String jobs = "jobs:\n  a:\n    runs-on: x\n    steps: [{run: echo}]\n";
    StringBuilder laughs = new StringBuilder("on: push\n" + jobs + "l0: &l0 [lol, lol]\n");
    for (int i = 1; i < 20; i++) {
      laughs.append('l').append(i).append(": &l").append(i).append(" [");
      laughs.append(("*l" + (i - 1) + ", ").repeat(9)).append("*l").append(i - 1).append("]\n");
    }
    String tooLarge = "on: push\n" + jobs + "#" + "x".repeat(1 << 20) + "\n";
    try (EntryApi api = new EntryApi(fx.api.config().withPorts(0, 0)).start()) {
      ManagedChannel channel =
          ManagedChannelBuilder.forAddress("127.0.0.1", api.grpcPort()).usePlaintext().build();
      try {
        var stub =
            PipelineServiceGrpc.newBlockingStub(channel)
                .withInterceptors(ApiFixture.bearer(fx.admin));
        Function<String, StatusRuntimeException> refusal =
            yaml ->
                catchStatus(
                    () ->
                        stub.startPipelineBuild(
                            request(pipeline()).toBuilder().setWorkflowYaml(yaml).build()));

        assertThat(violations(refusal.apply("on: push\nenv: " + "[".repeat(10_000) + jobs)))
            .containsExactly("ci.yml:2:105: mappings and sequences nest deeper than 100 levels");
        assertThat(violations(refusal.apply(laughs.toString())))
            .containsExactly("ci.yml:11:25: the workflow holds more than 150,000 values");
        assertThat(violations(refusal.apply(tooLarge)))
            .containsExactly(
                "ci.yml:1:1: the workflow file is too large: "
                    + String.format(Locale.ROOT, "%,d", tooLarge.length())
                    + " bytes, the limit is 1,048,576");
        assertThat(refusal.apply(tooLarge + "#".repeat(1 << 20)).getStatus().getCode())
            .isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
        String id = stub.startPipelineBuild(request(pipeline())).getBuildId();
        // Published before this API stops, so no other test's relay finds it in the outbox.
        await()
            .atMost(DEADLINE)
            .until(() -> get(stub, id).getStatus(), s -> s == BuildStatus.BUILD_STATUS_QUEUED);
      } finally {
        channel.shutdownNow();
      }
    }
  }

  @Test
  void sameIdempotencyKeyReturnsTheSameBuildUnderConcurrency() throws Exception {
    String pipeline = pipeline();
    StartPipelineBuildRequest request =
        request(pipeline).toBuilder().setIdempotencyKey("k").build();
    List<CompletableFuture<String>> calls = new ArrayList<>();
    try (ExecutorService pool = Executors.newFixedThreadPool(20)) {
      for (int i = 0; i < 20; i++) {
        calls.add(
            CompletableFuture.supplyAsync(
                () -> fx.stub.startPipelineBuild(request).getBuildId(), pool));
      }
    }
    Set<String> ids = new HashSet<>();
    for (CompletableFuture<String> call : calls) {
      ids.add(call.get());
    }
    assertThat(ids).hasSize(1);
    assertThat(list(pipeline, 50, "").getBuildsList()).hasSize(1);
  }

  @Test
  void listingPagesThroughEveryBuildNewestFirst() {
    String pipeline = pipeline();
    List<String> created = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      created.add(fx.stub.startPipelineBuild(request(pipeline)).getBuildId());
    }
    List<String> seen = new ArrayList<>();
    List<Integer> pageSizes = new ArrayList<>();
    String token = "";
    do {
      ListBuildsResponse page = list(pipeline, 3, token);
      pageSizes.add(page.getBuildsCount());
      page.getBuildsList().forEach(b -> seen.add(b.getId()));
      token = page.getNextPageToken();
    } while (!token.isEmpty());
    assertThat(pageSizes).containsExactly(3, 3, 1);
    assertThat(seen).containsExactlyElementsOf(created.reversed());

    ListBuildsResponse cancelledOnly =
        fx.stub.listBuilds(
            ListBuildsRequest.newBuilder()
                .setPipelineId(pipeline)
                .addStatuses(BuildStatus.BUILD_STATUS_CANCELLED)
                .build());
    assertThat(cancelledOnly.getBuildsList()).isEmpty();
    assertThat(
            catchStatus(
                    () ->
                        fx.stub.listBuilds(
                            ListBuildsRequest.newBuilder().setPageToken("garbage").build()))
                .getStatus()
                .getCode())
        .isEqualTo(Status.Code.INVALID_ARGUMENT);
  }

  @Test
  void cancelStopsAnUnstartedBuildAndRefusesAFinishedOne() {
    String id = fx.stub.startPipelineBuild(request(pipeline())).getBuildId();
    Build cancelled =
        fx.stub.cancelBuild(CancelBuildRequest.newBuilder().setBuildId(id).build()).getBuild();
    assertThat(cancelled.getStatus()).isEqualTo(BuildStatus.BUILD_STATUS_CANCELLED);
    assertThat(cancelled.getErrorCode())
        .isEqualTo(dev.pipewright.api.ci.v1.ErrorCode.ERROR_CODE_CANCELLED);
    assertThat(cancelled.hasFinishTime()).isTrue();

    StatusRuntimeException again =
        catchStatus(
            () -> fx.stub.cancelBuild(CancelBuildRequest.newBuilder().setBuildId(id).build()));
    assertThat(again.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
  }

  @Test
  void unknownBuildIsNotFound() {
    String unknown = UUID.randomUUID().toString();
    assertThat(catchStatus(() -> get(fx.stub, unknown)).getStatus().getCode())
        .isEqualTo(Status.Code.NOT_FOUND);
    assertThat(
            catchStatus(
                    () ->
                        fx.stub.cancelBuild(
                            CancelBuildRequest.newBuilder().setBuildId(unknown).build()))
                .getStatus()
                .getCode())
        .isEqualTo(Status.Code.NOT_FOUND);
    assertThat(catchStatus(() -> get(fx.stub, "not-a-uuid")).getStatus().getCode())
        .isEqualTo(Status.Code.INVALID_ARGUMENT);
  }

  @Test
  void logsAreReadFromACursor() {
    UUID id = UUID.fromString(fx.stub.startPipelineBuild(request(pipeline())).getBuildId());
    for (int seq = 1; seq <= 5; seq++) {
      insertChunk(id, "build", 1, seq, "line " + seq + "\n");
    }
    insertChunk(id, "build", 2, 1, "other step\n");

    List<LogChunk> all = readLogs(GetBuildLogsRequest.newBuilder().setBuildId(id.toString()));
    assertThat(all).extracting(LogChunk::getContent).hasSize(6).startsWith("line 1\n");

    String cursor = all.get(2).getCursor();
    List<LogChunk> rest =
        readLogs(
            GetBuildLogsRequest.newBuilder()
                .setBuildId(id.toString())
                .setJobKey("build")
                .setStepNumber(1)
                .setCursor(cursor));
    assertThat(rest).extracting(LogChunk::getSequence).containsExactly(4L, 5L);
  }

  @Test
  void followStreamsNewChunksUntilTheBuildFinishes() {
    UUID id = UUID.fromString(fx.stub.startPipelineBuild(request(pipeline())).getBuildId());
    insertChunk(id, "build", 1, 1, "first\n");

    List<LogChunk> received = new CopyOnWriteArrayList<>();
    AtomicBoolean completed = new AtomicBoolean();
    AtomicReference<Throwable> failed = new AtomicReference<>();
    PipelineServiceGrpc.newStub(fx.channel)
        .withInterceptors(ApiFixture.bearer(fx.admin))
        .getBuildLogs(
            GetBuildLogsRequest.newBuilder().setBuildId(id.toString()).setFollow(true).build(),
            new StreamObserver<>() {
              @Override
              public void onNext(GetBuildLogsResponse value) {
                received.addAll(value.getChunksList());
              }

              @Override
              public void onError(Throwable t) {
                failed.set(t);
              }

              @Override
              public void onCompleted() {
                completed.set(true);
              }
            });
    await().atMost(DEADLINE).until(() -> received.size() == 1);
    insertChunk(id, "build", 1, 2, "second\n");
    await().atMost(DEADLINE).until(() -> received.size() == 2);
    assertThat(completed).isFalse();

    insertChunk(id, "build", 1, 3, "last\n");
    fx.builds.requestCancel(id);
    await().atMost(DEADLINE).untilTrue(completed);
    assertThat(failed.get()).isNull();
    assertThat(received)
        .extracting(LogChunk::getContent)
        .containsExactly("first\n", "second\n", "last\n");
  }

  @Test
  void servesAStepsLogAsPlainTextOverHttp() throws Exception {
    UUID id = UUID.fromString(fx.stub.startPipelineBuild(request(pipeline())).getBuildId());
    StringBuilder expected = new StringBuilder();
    // More than one page, so the reader has to follow the cursor.
    for (int seq = 1; seq <= LogFollower.PAGE + 50; seq++) {
      insertChunk(id, "build", 1, seq, "line " + seq + "\n");
      expected.append("line ").append(seq).append('\n');
    }
    insertChunk(id, "build", 2, 1, "other step\n");
    insertChunk(id, "test", 1, 1, "other job\n");
    HttpClient http = HttpClient.newHttpClient();

    HttpResponse<String> step =
        http.send(
            httpGet(fx, fx.api, "/builds/" + id + "/logs?job=build&step=1"),
            HttpResponse.BodyHandlers.ofString());
    assertThat(step.statusCode()).isEqualTo(200);
    assertThat(step.headers().firstValue("Content-Type")).hasValue("text/plain; charset=utf-8");
    assertThat(step.body()).isEqualTo(expected.toString());

    HttpResponse<String> job =
        http.send(
            httpGet(fx, fx.api, "/builds/" + id + "/logs?job=build"),
            HttpResponse.BodyHandlers.ofString());
    assertThat(job.body()).isEqualTo(expected + "other step\n");
    HttpResponse<String> build =
        http.send(
            httpGet(fx, fx.api, "/builds/" + id + "/logs"), HttpResponse.BodyHandlers.ofString());
    assertThat(build.body())
        .startsWith("line 1\n")
        .contains("other job\n")
        .hasSize(job.body().length() + "other job\n".length());

    assertThat(
            http.send(
                    httpGet(fx, fx.api, "/builds/" + UUID.randomUUID() + "/logs"),
                    HttpResponse.BodyHandlers.ofString())
                .statusCode())
        .isEqualTo(404);
    assertThat(
            http.send(
                    httpGet(fx, fx.api, "/builds/" + id + "/logs?job=build&step=x"),
                    HttpResponse.BodyHandlers.ofString())
                .statusCode())
        .isEqualTo(400);
    assertThat(
            http.send(
                    httpGet(fx, fx.api, "/builds/" + id + "/logs?step=1"),
                    HttpResponse.BodyHandlers.ofString())
                .statusCode())
        .isEqualTo(400);
    assertThat(
            http.send(
                    httpGet(fx, fx.api, "/builds/not-an-id/logs"),
                    HttpResponse.BodyHandlers.ofString())
                .statusCode())
        .isEqualTo(400);
  }

  @Test
  void servesOverARealPortWithHealthEndpoints() throws Exception {
    assertThat(fx.api.grpcPort()).isEqualTo(-1);
    EntryApiConfig config =
        EntryApiConfig.defaults()
            .withPorts(0, 0)
            .withDatabase(ApiFixture.POSTGRES + fx.databaseName)
            .withQueue(QueueSettings.DEFAULT_URI, fx.prefix);
    // The fixture's API shares the database and queue, so its relay may publish this build:
    // the admission is counted by whichever relay does.
    double fixtureAdmissions = counter(fx.api.metrics().scrape(), ADMISSION_COUNT);
    try (EntryApi api = new EntryApi(config).start()) {
      assertThat(api.grpcPort()).isPositive();
      ManagedChannel channel =
          ManagedChannelBuilder.forAddress("127.0.0.1", api.grpcPort()).usePlaintext().build();
      try {
        var stub =
            PipelineServiceGrpc.newBlockingStub(channel)
                .withInterceptors(ApiFixture.bearer(fx.admin));
        String id = stub.startPipelineBuild(request(pipeline())).getBuildId();
        await()
            .atMost(DEADLINE)
            .until(() -> get(stub, id).getStatus(), s -> s == BuildStatus.BUILD_STATUS_QUEUED);

        // 5.6 MB in one page of chunks: more than a client takes in one message (4 MiB).
        String big = "x".repeat(700_000);
        for (int seq = 1; seq <= 8; seq++) {
          insertChunk(UUID.fromString(id), "build", 1, seq, big);
        }
        List<GetBuildLogsResponse> responses = new ArrayList<>();
        stub.getBuildLogs(GetBuildLogsRequest.newBuilder().setBuildId(id).build())
            .forEachRemaining(responses::add);
        assertThat(responses)
            .allSatisfy(
                r ->
                    assertThat(r.getSerializedSize())
                        .isLessThanOrEqualTo((int) LogFollower.MAX_RESPONSE_BYTES + 1024));
        assertThat(responses.stream().flatMap(r -> r.getChunksList().stream()))
            .extracting(LogChunk::getSequence)
            .containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L);
      } finally {
        channel.shutdownNow();
      }
      HttpClient http = HttpClient.newHttpClient();
      HttpResponse<String> health =
          http.send(httpGet(fx, api, "/healthz"), HttpResponse.BodyHandlers.ofString());
      assertThat(health.statusCode()).isEqualTo(200);
      HttpResponse<String> ready =
          http.send(httpGet(fx, api, "/readyz"), HttpResponse.BodyHandlers.ofString());
      assertThat(ready.statusCode()).isEqualTo(200);
      assertThat(ready.body())
          .contains("\"status\":\"ready\"")
          .contains("{\"name\":\"database\",\"status\":\"up\"")
          .contains("{\"name\":\"rabbitmq\",\"status\":\"up\"");
      HttpResponse<String> metrics =
          http.send(httpGet(fx, api, "/metrics"), HttpResponse.BodyHandlers.ofString());
      assertThat(metrics.statusCode()).isEqualTo(200);
      assertThat(metrics.body()).contains("pipewright_builds_admitted_total 1.0");
      double admissions =
          counter(metrics.body(), ADMISSION_COUNT)
              + counter(fx.api.metrics().scrape(), ADMISSION_COUNT)
              - fixtureAdmissions;
      assertThat(admissions).isEqualTo(1.0);
    }
  }

  private static final String ADMISSION_COUNT = "pipewright_admission_lag_seconds_count";

  /** The value of the unlabelled sample {@code name} in a Prometheus scrape. */
  private static double counter(String scrape, String name) {
    return scrape
        .lines()
        .filter(line -> line.startsWith(name + " "))
        .mapToDouble(line -> Double.parseDouble(line.substring(name.length() + 1)))
        .findFirst()
        .orElseThrow(() -> new AssertionError(name + " is missing from the scrape"));
  }

  /** GET {@code path} of {@code api}'s HTTP port with {@code fixture}'s admin token. */
  static HttpRequest httpGet(ApiFixture fixture, EntryApi api, String path) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.httpPort() + path))
        .header("Authorization", "Bearer " + fixture.admin.token().reveal())
        .build();
  }

  static ListBuildsResponse list(String pipeline, int size, String token) {
    return fx.stub.listBuilds(
        ListBuildsRequest.newBuilder()
            .setPipelineId(pipeline)
            .setPageSize(size)
            .setPageToken(token)
            .build());
  }

  static List<LogChunk> readLogs(GetBuildLogsRequest.Builder request) {
    List<LogChunk> chunks = new ArrayList<>();
    fx.stub.getBuildLogs(request.build()).forEachRemaining(r -> chunks.addAll(r.getChunksList()));
    return chunks;
  }

  static void insertChunk(UUID build, String job, int step, long seq, String content) {
    insertChunk(fx.database, build, job, step, seq, content);
  }

  static void insertChunk(
      dev.pipewright.store.Database database,
      UUID build,
      String job,
      int step,
      long seq,
      String content) {
    database
        .dsl()
        .insertInto(BUILD_LOGS)
        .set(BUILD_LOGS.BUILD_ID, build)
        .set(BUILD_LOGS.JOB_KEY, job)
        .set(BUILD_LOGS.STEP_NUMBER, step)
        .set(BUILD_LOGS.SEQ, seq)
        .set(BUILD_LOGS.CONTENT, content)
        .execute();
  }

  /** Build ids waiting in the build queue (read without consuming: messages are requeued). */
  static Set<String> queuedBuildIds() throws Exception {
    return Brokers.peek(fx.names.buildQueue());
  }

  static BadRequest badRequest(StatusRuntimeException error) throws Exception {
    for (var detail : StatusProto.fromThrowable(error).getDetailsList()) {
      if (detail.is(BadRequest.class)) {
        return detail.unpack(BadRequest.class);
      }
    }
    throw new AssertionError("no BadRequest in " + error);
  }

  /** The descriptions of an INVALID_ARGUMENT's field violations. */
  static List<String> violations(StatusRuntimeException error) throws Exception {
    assertThat(error.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    return badRequest(error).getFieldViolationsList().stream()
        .map(BadRequest.FieldViolation::getDescription)
        .toList();
  }

  static StatusRuntimeException catchStatus(Runnable call) {
    try {
      call.run();
    } catch (StatusRuntimeException e) {
      return e;
    }
    throw new AssertionError("expected a gRPC error");
  }
}
