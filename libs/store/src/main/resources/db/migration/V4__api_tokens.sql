-- API tokens (libs/auth ApiToken). Only the SHA-256 of each token is kept, never the token; the
-- id is the token's public part and the key every authenticated call looks up.
CREATE TABLE api_tokens (
  id          varchar(16) NOT NULL,
  name        varchar(63) NOT NULL,
  role        varchar(16) NOT NULL,
  token_hash  bytea       NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  revoked_at  timestamptz,
  CONSTRAINT api_tokens_pk PRIMARY KEY (id),
  CONSTRAINT api_tokens_role_ck CHECK (role IN ('read', 'submit', 'admin'))
);

-- Names tell live tokens apart (revoke takes a name); a revoked token's name may be used again.
CREATE UNIQUE INDEX api_tokens_live_name_uq ON api_tokens (name) WHERE revoked_at IS NULL;
