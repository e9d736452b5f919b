package dev.pipewright.store;

import static dev.pipewright.store.jooq.Tables.BUILDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pipewright.models.BuildStatus;
import dev.pipewright.models.CiException;
import dev.pipewright.models.ErrorCode;
import dev.pipewright.secrets.SecretBox;
import dev.pipewright.secrets.SecretException;
import dev.pipewright.secrets.SecretKeys;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.flywaydb.core.Flyway;
import org.jooq.JSONB;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Secret values at rest: sealed on admission, opened for the worker, erased when builds end. */
class BuildSecretsIT {
  @RegisterExtension static final TestDatabase db = new TestDatabase();

  private static final String VALUE = "Hunter2-" + UUID.randomUUID();

  private final BuildRepository builds = new BuildRepository(db.dsl(), key());

  /** A repository's secret key, fresh for each call. */
  static Optional<SecretBox> key() {
    return Optional.of(new SecretBox(SecretKeys.parse(SecretKeys.newKeyLine("k1"), "test")));
  }

  private static NewBuild withSecret() {
    return new NewBuild(
        "p-" + UUID.randomUUID(),
        "on: push\njobs: {}\n",
        null,
        null,
        null,
        null,
        Map.of("TOKEN", new Variable(VALUE, true), "MODE", new Variable("fast", false)),
        null);
  }

  private String column(UUID id, org.jooq.TableField<?, JSONB> field) {
    JSONB json = db.dsl().select(field).from(BUILDS).where(BUILDS.ID.eq(id)).fetchOne(field);
    return json == null ? null : json.data();
  }

  private UUID running() {
    UUID id = builds.create(withSecret()).id();
    builds.transition(id, BuildStatus.QUEUED, null, null);
    builds.claim(id, "w", Duration.ofMinutes(1));
    return id;
  }

  @Test
  void aSecretIsStoredOnlySealedAndOpensForItsBuild() {
    UUID id = builds.create(withSecret()).id();

    assertThat(column(id, BUILDS.VARIABLES))
        .doesNotContain(VALUE)
        .contains("\"TOKEN\": {\"secret\": true}")
        .contains("\"MODE\": {\"value\": \"fast\", \"secret\": false}");
    assertThat(column(id, BUILDS.SECRETS)).contains("\"TOKEN\": \"pws1:k1:").doesNotContain(VALUE);
    BuildView view = builds.findRow(id).orElseThrow();
    assertThat(view.variables().get("TOKEN")).isEqualTo(new Variable("", true));
    assertThat(builds.openSecrets(view)).containsExactly(Map.entry("TOKEN", VALUE));
    assertThat(builds.openSecrets(builds.find(id).orElseThrow()))
        .containsExactly(Map.entry("TOKEN", VALUE));
  }

  @Test
  void withoutAKeyABuildWithSecretsIsRefusedAndNothingIsWritten() {
    BuildRepository keyless = new BuildRepository(db.dsl());
    NewBuild build = withSecret();

    assertThatThrownBy(() -> keyless.create(build))
        .isInstanceOf(CiException.class)
        .satisfies(e -> assertThat(((CiException) e).code()).isEqualTo(ErrorCode.CONFLICT))
        .hasMessageContaining("secret variables [TOKEN] but no secret key is configured")
        .hasMessageContaining("pipewright secret-key create")
        .hasMessageContaining("PIPEWRIGHT_SECRET_KEY_FILE");
    assertThat(db.dsl().fetchCount(BUILDS, BUILDS.PIPELINE_ID.eq(build.pipelineId()))).isZero();
    // Builds without secrets need no key.
    assertThat(keyless.create(NewBuild.of("p-" + UUID.randomUUID(), "jobs: {}")).existing())
        .isFalse();
  }

  @Test
  void aWorkerWithoutTheKeyCannotOpenThem() {
    UUID id = builds.create(withSecret()).id();
    BuildView view = builds.findRow(id).orElseThrow();

    assertThatThrownBy(() -> new BuildRepository(db.dsl()).openSecrets(view))
        .isInstanceOf(SecretException.class)
        .hasMessageContaining("this worker has no secret key");
    assertThatThrownBy(() -> new BuildRepository(db.dsl(), key()).openSecrets(view))
        .isInstanceOf(SecretException.class)
        .hasMessageContaining("does not open with key k1");
  }

  @Test
  void aSealedValueCopiedToAnotherBuildDoesNotOpenThere() {
    UUID source = builds.create(withSecret()).id();
    UUID target = builds.create(withSecret()).id();
    db.dsl()
        .update(BUILDS)
        .set(BUILDS.SECRETS, JSONB.valueOf(column(source, BUILDS.SECRETS)))
        .where(BUILDS.ID.eq(target))
        .execute();

    assertThatThrownBy(() -> builds.openSecrets(builds.findRow(target).orElseThrow()))
        .isInstanceOf(SecretException.class)
        .hasMessageContaining("sealed for another build or name");
  }

  @Test
  void everyWayABuildEndsErasesItsSealedSecrets() {
    UUID succeeded = running();
    UUID failed = running();
    UUID cancelledRunning = running();
    UUID cancelledPending = builds.create(withSecret()).id();
    UUID stillRunning = running();

    builds.finish(succeeded, "w", BuildStatus.SUCCEEDED, null, null);
    builds.finish(failed, "w", BuildStatus.FAILED, ErrorCode.PERMANENT, "exit 1");
    builds.transition(cancelledRunning, BuildStatus.CANCELLED, ErrorCode.CANCELLED, "asked");
    assertThat(builds.requestCancel(cancelledPending)).isEqualTo(CancelOutcome.CANCELLED);

    for (UUID id : List.of(succeeded, failed, cancelledRunning, cancelledPending)) {
      assertThat(column(id, BUILDS.SECRETS)).as("%s", id).isNull();
      BuildView ended = builds.findRow(id).orElseThrow();
      assertThat(ended.status().terminal()).isTrue();
      assertThat(builds.openSecrets(ended)).isEmpty();
      assertThat(ended.variables()).containsKey("TOKEN");
    }
    assertThat(column(stillRunning, BUILDS.SECRETS)).contains("pws1:k1:");
    // A finish refused by its guard (another worker's lease) erases nothing.
    assertThat(builds.finish(stillRunning, "not-the-owner", BuildStatus.FAILED, null, null))
        .isEmpty();
    assertThat(column(stillRunning, BUILDS.SECRETS)).contains("pws1:k1:");
  }

  @Test
  void theMigrationErasesSecretValuesStoredInClearBeforeIt() throws Exception {
    String url = ScratchDatabases.uniqueUrl();
    PgUrl pg = PgUrl.parse(url);
    Database.withMaintenanceConnection(
        pg,
        ScratchDatabases.USER,
        ScratchDatabases.PASSWORD,
        ctx -> ctx.createDatabase(pg.database()).execute());
    try {
      Flyway.configure()
          .dataSource(url, ScratchDatabases.USER, ScratchDatabases.PASSWORD)
          .locations("classpath:db/migration")
          .target("4")
          .load()
          .migrate();
      UUID id = UUID.randomUUID();
      try (Connection v4 =
              DriverManager.getConnection(url, ScratchDatabases.USER, ScratchDatabases.PASSWORD);
          PreparedStatement insert =
              v4.prepareStatement(
                  "WITH p AS (INSERT INTO pipelines (id, last_number) VALUES ('p', 1))"
                      + " INSERT INTO builds (id, pipeline_id, number, status, workflow_yaml,"
                      + " variables) VALUES (?, 'p', 1, 'QUEUED', 'jobs: {}', ?::jsonb)")) {
        insert.setObject(1, id);
        insert.setString(
            2,
            "{\"TOKEN\": {\"value\": \""
                + VALUE
                + "\", \"secret\": true}, \"MODE\": {\"value\": \"fast\", \"secret\": false}}");
        insert.executeUpdate();
      }
      try (Database latest =
          Database.open(url, ScratchDatabases.USER, ScratchDatabases.PASSWORD, 2)) {
        BuildRepository upgraded = new BuildRepository(latest.dsl(), key());
        BuildView view = upgraded.findRow(id).orElseThrow();
        assertThat(view.variables())
            .containsExactlyInAnyOrderEntriesOf(
                Map.of("TOKEN", new Variable("", true), "MODE", new Variable("fast", false)));
        assertThatThrownBy(() -> upgraded.openSecrets(view))
            .isInstanceOf(SecretException.class)
            .hasMessageContaining("has no stored value")
            .hasMessageContaining("start the build again");
      }
    } finally {
      ScratchDatabases.drop(url, ScratchDatabases.USER, ScratchDatabases.PASSWORD);
    }
  }
}
