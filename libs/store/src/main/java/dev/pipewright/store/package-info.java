/**
 * Pipewright's durable state in PostgreSQL.
 *
 * <p>The schema lives only in the Flyway migrations under {@code db/migration}; the jOOQ classes in
 * {@code dev.pipewright.store.jooq} are generated from those scripts at build time, and every query
 * here is written with them. {@link dev.pipewright.store.Database} opens (creates, migrates) the
 * database; the repositories take its {@link org.jooq.DSLContext}:
 *
 * <pre>{@code
 * try (Database db = Database.open("jdbc:postgresql://127.0.0.1:5432/pipewright", "postgres", "")) {
 *   BuildRepository builds = new BuildRepository(db.dsl());
 *   CreatedBuild created = builds.create(NewBuild.of("my-pipeline", workflowYaml));
 * }
 * }</pre>
 *
 * <p>Every status move is a guarded update ({@code WHERE status IN sourcesOf(target)} from the
 * state machines of {@code jobs-models}): an illegal or stale move returns false and writes
 * nothing. Database failures surface as {@link dev.pipewright.models.CiException}: TRANSIENT for
 * lost connections, deadlocks and serialization failures, PERMANENT otherwise.
 */
package dev.pipewright.store;
