package dev.pipewright.store;

import java.util.List;
import java.util.Objects;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.Result;
import org.jooq.Select;

/**
 * A read of one bind value whose SQL is rendered once, for the statements every API call makes (its
 * token's look-up, GetBuild's read) and those of every pass of a build's loop (its row, its jobs
 * with their steps). jOOQ renders a query's SQL again on each execution; for these reads that was
 * the largest part of their JVM time (GetBuild's join: about half). The statement sent and the
 * records read are the query's own: same SQL, same fields.
 */
final class RenderedQuery {
  private final String sql;
  private final List<Field<?>> fields;

  /**
   * @param query its one bind value a placeholder ({@code DSL.param}), every constant inlined
   */
  RenderedQuery(DSLContext dsl, Select<?> query) {
    this.sql = dsl.render(query);
    this.fields = List.copyOf(query.getSelect());
    if (query.getBindValues().size() != 1) {
      throw new IllegalArgumentException(
          "a rendered query takes exactly one bind value: " + query.getBindValues());
    }
  }

  /** The rows for {@code value} in the query's place-holder, with the query's fields. */
  Result<Record> fetch(DSLContext dsl, Object value) {
    return dsl.resultQuery(sql, Objects.requireNonNull(value)).coerce(fields).fetch();
  }
}
