package dev.pipewright.store;

import static dev.pipewright.store.jooq.Tables.API_TOKENS;
import static dev.pipewright.store.jooq.Tables.BUILDS;
import static dev.pipewright.store.jooq.Tables.BUILD_JOBS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.Test;

class RenderedQueryTest {
  private final DSLContext dsl = DSL.using(SQLDialect.POSTGRES);

  @Test
  void aQueryOfMoreThanOneBindValueIsRefused() {
    // Its values would have to be bound in jOOQ's order: only the one place-holder is supported.
    assertThatThrownBy(
            () ->
                new RenderedQuery(
                    dsl,
                    dsl.selectFrom(API_TOKENS)
                        .where(API_TOKENS.ID.eq(DSL.param("id", API_TOKENS.ID)))
                        .and(API_TOKENS.NAME.eq("ci"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("exactly one bind value");
  }

  @Test
  void buildReadsAreRenderedWithTheIdTheirOnlyBindValue() {
    // GetBuild's join inlines its constants (the first row's row number), so it can be rendered
    // once.
    assertThat(Rows.buildWithJobsQuery(dsl, DSL.param("id", BUILDS.ID)).getBindValues()).hasSize(1);
    // A build loop's read of its jobs and steps, too.
    assertThat(
            Rows.jobsQuery(dsl, BUILD_JOBS.BUILD_ID.eq(DSL.param("id", BUILD_JOBS.BUILD_ID)))
                .getBindValues())
        .hasSize(1);
  }
}
