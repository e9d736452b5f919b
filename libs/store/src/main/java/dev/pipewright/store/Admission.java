package dev.pipewright.store;

import dev.pipewright.models.BuildStatus;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jooq.DSLContext;

/**
 * Creates builds in ONE auto-committed statement: a build and its outbox row cost one round trip
 * and one commit, and a list of builds costs the same as a single one.
 *
 * <p>The statement numbers builds with the pipelines' counters ({@code INSERT … ON CONFLICT DO
 * UPDATE}, which locks each counter row until commit, in pipeline order so that two statements
 * cannot deadlock), skips requests whose idempotency key is already stored and returns those builds
 * instead. The requests travel as arrays, so the statement text never changes and the server keeps
 * it prepared.
 *
 * <p>A concurrent creator may commit the same key after this statement took its snapshot: the
 * unique constraint then refuses the insert, the whole statement rolls back (no number is burnt)
 * and it is run again, when its snapshot sees the other build.
 */
final class Admission {
  static final String IDEMPOTENCY_CONSTRAINT = "builds_idempotency_uq";
  private static final int MAX_ATTEMPTS = 3;

  private static final String SQL =
      """
      WITH input AS (
        SELECT *
        FROM unnest(?::uuid[], ?::varchar[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[],
                    ?::jsonb[], ?::jsonb[], ?::varchar[])
          WITH ORDINALITY AS i (id, pipeline_id, workflow_yaml, workflow_path, repository_url,
                                repository_ref, repository_sha, variables, secrets,
                                idempotency_key, ord)
      ),
      existing AS (
        SELECT i.ord, b.id, b.number, b.status
        FROM input i
        JOIN builds b ON b.pipeline_id = i.pipeline_id AND b.idempotency_key = i.idempotency_key
      ),
      fresh AS (
        SELECT i.* FROM input i WHERE NOT EXISTS (SELECT 1 FROM existing e WHERE e.ord = i.ord)
      ),
      counts AS (
        SELECT pipeline_id, count(*) AS n FROM fresh GROUP BY pipeline_id
      ),
      counter AS (
        INSERT INTO pipelines AS p (id, last_number)
        SELECT pipeline_id, n FROM counts ORDER BY pipeline_id
        ON CONFLICT (id) DO UPDATE SET last_number = p.last_number + excluded.last_number
        RETURNING p.id, p.last_number
      ),
      numbered AS (
        SELECT f.*,
               c.last_number - k.n
                 + row_number() OVER (PARTITION BY f.pipeline_id ORDER BY f.ord) AS number
        FROM fresh f
        JOIN counts k ON k.pipeline_id = f.pipeline_id
        JOIN counter c ON c.id = f.pipeline_id
      ),
      inserted AS (
        INSERT INTO builds (id, pipeline_id, number, status, workflow_yaml, workflow_path,
                            repository_url, repository_ref, repository_sha, variables, secrets,
                            idempotency_key, created_at)
        SELECT id, pipeline_id, number, 'PENDING', workflow_yaml, workflow_path, repository_url,
               repository_ref, repository_sha, variables, secrets, idempotency_key,
               clock_timestamp()
        FROM numbered
        ORDER BY ord
        RETURNING id
      ),
      queued AS (
        INSERT INTO outbox (build_id, kind, created_at, available_at)
        SELECT id, 'START', now(), now() FROM inserted
      )
      SELECT ord, id, number, 'PENDING' AS status, false AS existing FROM numbered
      UNION ALL
      SELECT ord, id, number, status, true FROM existing
      """;

  private Admission() {}

  /**
   * Creates {@code builds} (all or none), in order. Requests repeating an earlier request's
   * pipeline and key share its build and report it as existing.
   *
   * @throws dev.pipewright.models.CiException CONFLICT, before anything is written, when a build
   *     has secrets and {@code secrets} has no key
   */
  static List<CreatedBuild> create(DSLContext dsl, BuildSecrets secrets, List<NewBuild> builds) {
    List<NewBuild> distinct = new ArrayList<>(builds.size());
    int[] slot = new int[builds.size()];
    Map<String, Integer> byKey = new HashMap<>();
    for (int i = 0; i < builds.size(); i++) {
      NewBuild b = builds.get(i);
      Integer first =
          b.idempotencyKey() == null
              ? null
              : byKey.putIfAbsent(b.pipelineId() + '\0' + b.idempotencyKey(), distinct.size());
      if (first == null) {
        slot[i] = distinct.size();
        distinct.add(b);
      } else {
        slot[i] = first;
      }
    }
    // Ids are drawn here, not per attempt: each build's secrets are sealed for its id.
    List<Row> rows = new ArrayList<>(distinct.size());
    for (NewBuild b : distinct) {
      UUID id = UUID.randomUUID();
      rows.add(new Row(id, b, secrets.seal(id, b.variables())));
    }
    CreatedBuild[] stored = StoreErrors.call(() -> dsl.connectionResult(c -> insist(c, rows)));
    List<CreatedBuild> results = new ArrayList<>(builds.size());
    boolean[] handedOut = new boolean[distinct.size()];
    for (int s : slot) {
      CreatedBuild b = stored[s];
      results.add(handedOut[s] ? new CreatedBuild(b.id(), b.number(), b.status(), true) : b);
      handedOut[s] = true;
    }
    return results;
  }

  /** A build to insert with its id and its variables as stored. */
  private record Row(UUID id, NewBuild build, BuildSecrets.Stored stored) {}

  private static CreatedBuild[] insist(Connection connection, List<Row> builds) {
    for (int attempt = 1; ; attempt++) {
      try {
        return run(connection, builds);
      } catch (SQLException e) {
        // Inside a caller's transaction the failed statement has aborted it: no second try there.
        if (attempt == MAX_ATTEMPTS
            || !StoreErrors.violates(e, IDEMPOTENCY_CONSTRAINT)
            || !autoCommit(connection)) {
          throw StoreErrors.translate(e);
        }
      }
    }
  }

  private static boolean autoCommit(Connection connection) {
    try {
      return connection.getAutoCommit();
    } catch (SQLException e) {
      return false;
    }
  }

  private static CreatedBuild[] run(Connection connection, List<Row> builds) throws SQLException {
    int n = builds.size();
    UUID[] ids = new UUID[n];
    String[][] columns = new String[9][n];
    for (int i = 0; i < n; i++) {
      NewBuild b = builds.get(i).build();
      BuildSecrets.Stored stored = builds.get(i).stored();
      ids[i] = builds.get(i).id();
      columns[0][i] = b.pipelineId();
      columns[1][i] = b.workflowYaml();
      columns[2][i] = b.workflowPath();
      columns[3][i] = b.repositoryUrl();
      columns[4][i] = b.repositoryRef();
      columns[5][i] = b.repositorySha();
      columns[6][i] = stored.variables().data();
      columns[7][i] = stored.secrets() == null ? null : stored.secrets().data();
      columns[8][i] = b.idempotencyKey();
    }
    CreatedBuild[] created = new CreatedBuild[n];
    try (PreparedStatement statement = connection.prepareStatement(SQL)) {
      List<Array> arrays = new ArrayList<>(10);
      arrays.add(connection.createArrayOf("uuid", ids));
      for (String[] column : columns) {
        arrays.add(connection.createArrayOf("text", column));
      }
      for (int p = 0; p < arrays.size(); p++) {
        statement.setArray(p + 1, arrays.get(p));
      }
      try (ResultSet rs = statement.executeQuery()) {
        while (rs.next()) {
          created[(int) rs.getLong(1) - 1] =
              new CreatedBuild(
                  rs.getObject(2, UUID.class),
                  rs.getLong(3),
                  BuildStatus.valueOf(rs.getString(4)),
                  rs.getBoolean(5));
        }
      }
    }
    return created;
  }
}
