package dev.pipewright.store;

import static dev.pipewright.store.Rows.NOW;
import static dev.pipewright.store.jooq.Tables.API_TOKENS;

import dev.pipewright.auth.ApiToken;
import dev.pipewright.auth.Credential;
import dev.pipewright.auth.IssuedToken;
import dev.pipewright.auth.Role;
import dev.pipewright.auth.TokenInfo;
import dev.pipewright.auth.TokenLookup;
import dev.pipewright.models.CiException;
import dev.pipewright.models.ErrorCode;
import dev.pipewright.store.jooq.tables.records.ApiTokensRecord;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jooq.DSLContext;
import org.jooq.exception.DataAccessException;
import org.jooq.impl.DSL;

/**
 * The API tokens: created (the whole token is returned once, only its hash is kept), listed,
 * revoked, and looked up by id on every authenticated call. Names are unique among live tokens.
 */
public final class ApiTokenRepository implements TokenLookup {
  private static final String NAME_TAKEN = "api_tokens_live_name_uq";

  private final DSLContext dsl;

  /** {@link #live}'s statement: every authenticated call makes it. */
  private final RenderedQuery liveQuery;

  public ApiTokenRepository(DSLContext dsl) {
    this.dsl = Objects.requireNonNull(dsl);
    this.liveQuery =
        new RenderedQuery(
            dsl,
            dsl.selectFrom(API_TOKENS)
                .where(
                    API_TOKENS
                        .ID
                        .eq(DSL.param("id", API_TOKENS.ID))
                        .and(API_TOKENS.REVOKED_AT.isNull())));
  }

  /**
   * A new token named {@code name} with {@code role}.
   *
   * @throws IllegalArgumentException if the name is not one a token may have
   * @throws CiException CONFLICT if a live token has that name
   */
  public IssuedToken create(String name, Role role) {
    TokenInfo.checkName(name);
    return StoreErrors.call(() -> insert(dsl, name, role));
  }

  /**
   * Revokes the live token named {@code name}, if any, and creates its successor, in one
   * transaction: how {@code pipewright demo} renews its token on every run.
   */
  public IssuedToken replace(String name, Role role) {
    TokenInfo.checkName(name);
    return StoreErrors.call(
        () ->
            dsl.transactionResult(
                cfg -> {
                  revokeLive(cfg.dsl(), name);
                  return insert(cfg.dsl(), name, role);
                }));
  }

  /** Every token, live and revoked, oldest first. */
  public List<TokenInfo> list() {
    return StoreErrors.call(
        () ->
            dsl.selectFrom(API_TOKENS)
                .orderBy(API_TOKENS.CREATED_AT, API_TOKENS.ID)
                .fetch(ApiTokenRepository::info));
  }

  /**
   * Revokes the live token named {@code name}: calls carrying it are refused from now on.
   *
   * @throws CiException NOT_FOUND if no live token has that name
   */
  public TokenInfo revoke(String name) {
    return StoreErrors.call(() -> revokeLive(dsl, name))
        .orElseThrow(
            () -> new CiException(ErrorCode.NOT_FOUND, "no live API token named '" + name + "'"));
  }

  /** Whether any token could be used; a server without one refuses every call. */
  public boolean anyLive() {
    return StoreErrors.call(() -> dsl.fetchExists(API_TOKENS, API_TOKENS.REVOKED_AT.isNull()));
  }

  @Override
  public Optional<Credential> live(String id) {
    return StoreErrors.call(
        () ->
            liveQuery.fetch(dsl, id).stream()
                .findFirst()
                .map(r -> r.into(API_TOKENS))
                .map(
                    r ->
                        new Credential(
                            r.getId(), r.getName(), Role.parse(r.getRole()), r.getTokenHash())));
  }

  // Ids are 60 random bits: a collision with an existing one, about never, fails this call.
  private static IssuedToken insert(DSLContext ctx, String name, Role role) {
    ApiToken token = ApiToken.generate();
    try {
      ApiTokensRecord row =
          ctx.insertInto(API_TOKENS)
              .set(API_TOKENS.ID, token.id())
              .set(API_TOKENS.NAME, name)
              .set(API_TOKENS.ROLE, role.id())
              .set(API_TOKENS.TOKEN_HASH, token.hash())
              .set(API_TOKENS.CREATED_AT, NOW)
              .returning()
              .fetchOne();
      return new IssuedToken(info(row), token);
    } catch (DataAccessException e) {
      if (StoreErrors.violates(e, NAME_TAKEN)) {
        throw new CiException(
            ErrorCode.CONFLICT,
            "a live API token is named '" + name + "': revoke it first or choose another name");
      }
      throw e;
    }
  }

  private static Optional<TokenInfo> revokeLive(DSLContext ctx, String name) {
    return ctx.update(API_TOKENS)
        .set(API_TOKENS.REVOKED_AT, NOW)
        .where(API_TOKENS.NAME.eq(name).and(API_TOKENS.REVOKED_AT.isNull()))
        .returning()
        .fetchOptional()
        .map(ApiTokenRepository::info);
  }

  private static TokenInfo info(ApiTokensRecord r) {
    return new TokenInfo(
        r.getId(),
        r.getName(),
        Role.parse(r.getRole()),
        Rows.instant(r.getCreatedAt()),
        Optional.ofNullable(Rows.instant(r.getRevokedAt())));
  }
}
