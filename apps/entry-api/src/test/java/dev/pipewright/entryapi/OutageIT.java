package dev.pipewright.entryapi;

import static dev.pipewright.store.jooq.Tables.BUILDS;
import static dev.pipewright.store.jooq.Tables.OUTBOX;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pipewright.api.ci.v1.BuildStatus;
import dev.pipewright.api.ci.v1.GetBuildRequest;
import dev.pipewright.api.ci.v1.StartPipelineBuildRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Dependencies that go away and come back, cut with a loopback proxy. */
class OutageIT {
  static final Duration DEADLINE = Duration.ofSeconds(30);

  @Test
  void buildsWaitPendingWhileTheBrokerIsDownAndAllAreQueuedWhenItReturns() throws Exception {
    try (TcpProxy broker = new TcpProxy(5672);
        ApiFixture fx =
            new ApiFixture(
                EntryApiConfig.defaults().withPorts(0, 0),
                null,
                URI.create("amqp://guest:guest@127.0.0.1:" + broker.port() + "/%2F"))) {
      // Down from the start: the API still starts and accepts builds.
      List<String> ids = start(fx, 5);
      awaitRelayAttempts(fx, ids);
      assertThat(statuses(fx, ids)).containsOnly(BuildStatus.BUILD_STATUS_PENDING);
      assertThat(fx.api.metrics().scrape())
          .containsPattern("pipewright_broker_errors_total\\{operation=\"publish\"\\} [1-9]");

      broker.start();
      awaitQueued(fx, ids);
      assertThat(Brokers.peek(fx.names.buildQueue())).containsAll(ids);

      // Down again after it was connected: the client's recovery takes over.
      broker.stop();
      List<String> more = start(fx, 3);
      awaitRelayAttempts(fx, more);
      assertThat(statuses(fx, more)).containsOnly(BuildStatus.BUILD_STATUS_PENDING);

      broker.start();
      awaitQueued(fx, more);
      assertThat(Brokers.peek(fx.names.buildQueue())).containsAll(ids).containsAll(more);
    }
  }

  @Test
  void databaseOutageIsUnavailableAndLeavesNothingHalfWritten() throws Exception {
    try (TcpProxy postgres = new TcpProxy(5432).start();
        ApiFixture fx =
            new ApiFixture(
                EntryApiConfig.defaults().withPorts(0, 0),
                "jdbc:postgresql://127.0.0.1:" + postgres.port() + "/",
                null)) {
      String pipeline = "p-" + UUID.randomUUID();
      String first = fx.stub.startPipelineBuild(request(pipeline)).getBuildId();
      awaitQueued(fx, List.of(first));

      postgres.stop();
      StatusRuntimeException refused = null;
      try {
        fx.stub.startPipelineBuild(request(pipeline));
      } catch (StatusRuntimeException e) {
        refused = e;
      }
      assertThat(refused).isNotNull();
      assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
      HttpResponse<String> ready =
          HttpClient.newHttpClient()
              .send(
                  EntryApiIT.httpGet(fx, fx.api, "/readyz"), HttpResponse.BodyHandlers.ofString());
      assertThat(ready.statusCode()).isEqualTo(503);
      assertThat(ready.body())
          .contains("\"status\":\"not_ready\"")
          .contains("{\"name\":\"database\",\"status\":\"down\"");

      var dsl = fx.database.dsl();
      assertThat(dsl.fetchCount(BUILDS, BUILDS.PIPELINE_ID.eq(pipeline))).isEqualTo(1);
      assertThat(dsl.fetchCount(OUTBOX)).isZero();

      postgres.start();
      // What a client does with UNAVAILABLE: retry, with a key so that a retry cannot duplicate.
      var retried = request(pipeline).toBuilder().setIdempotencyKey("after-outage").build();
      String second =
          await()
              .atMost(DEADLINE)
              .ignoreException(StatusRuntimeException.class)
              .until(() -> fx.stub.startPipelineBuild(retried).getBuildId(), id -> id != null);
      awaitQueued(fx, List.of(second));
      assertThat(dsl.fetchCount(BUILDS, BUILDS.PIPELINE_ID.eq(pipeline))).isEqualTo(2);
    }
  }

  static StartPipelineBuildRequest request(String pipeline) {
    return EntryApiIT.request(pipeline);
  }

  static List<String> start(ApiFixture fx, int n) {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      ids.add(fx.stub.startPipelineBuild(request("p-" + UUID.randomUUID())).getBuildId());
    }
    return ids;
  }

  /** The relay tried (and failed) to publish each of these builds at least once. */
  static void awaitRelayAttempts(ApiFixture fx, List<String> ids) {
    List<UUID> builds = ids.stream().map(UUID::fromString).toList();
    await()
        .atMost(DEADLINE)
        .until(
            () ->
                fx.database
                        .dsl()
                        .fetchCount(OUTBOX, OUTBOX.BUILD_ID.in(builds).and(OUTBOX.ATTEMPTS.gt(0)))
                    == builds.size());
  }

  static void awaitQueued(ApiFixture fx, List<String> ids) {
    await()
        .atMost(DEADLINE)
        .until(
            () -> statuses(fx, ids),
            s -> s.stream().allMatch(BuildStatus.BUILD_STATUS_QUEUED::equals));
  }

  static List<BuildStatus> statuses(ApiFixture fx, List<String> ids) {
    return ids.stream()
        .map(
            id -> fx.stub.getBuild(GetBuildRequest.newBuilder().setBuildId(id).build()).getStatus())
        .toList();
  }
}
