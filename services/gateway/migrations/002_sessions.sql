-- Refresh tokens of login sessions. Only the SHA-256 of a token is stored, so a copy of this
-- table opens no session. Every token rotated from one login shares its family_id: presenting a
-- spent token revokes the whole family (theft detection), and logout revokes it on purpose.
CREATE TABLE refresh_tokens (
  token_hash TEXT PRIMARY KEY CHECK (token_hash ~ '^[0-9a-f]{64}$'),
  family_id UUID NOT NULL,
  account_id UUID NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  expires_at TIMESTAMPTZ NOT NULL,
  -- Set when the token was traded at Refresh for its successor.
  spent_at TIMESTAMPTZ,
  -- Set when its family was revoked: reuse, logout or a password change.
  revoked_at TIMESTAMPTZ,
  CHECK (expires_at > created_at)
);

CREATE INDEX refresh_tokens_family ON refresh_tokens (family_id);
CREATE INDEX refresh_tokens_live_by_account ON refresh_tokens (account_id) WHERE revoked_at IS NULL;
