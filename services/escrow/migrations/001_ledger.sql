-- The double-entry ledger (DESIGN.md, escrow; money rules 2, 3, 6, 8).
--
-- Sign convention: a leg adds its amount to its account's balance, and the legs of a transfer
-- sum to zero per currency, so the balances of each currency sum to zero at every moment.
-- Money a user holds with us is a positive wallet balance; money that came in from the payment
-- provider leaves funding_clearing negative by the same amount.
CREATE TABLE accounts (
  id BIGSERIAL PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN ('wallet', 'escrow', 'fee_revenue', 'funding_clearing',
                                     'payout_clearing', 'fx_liquidity', 'rounding')),
  -- The account id of a wallet's user, the contract id of an escrow account, "shard-<n>" for
  -- the platform's own accounts (split into shards so that no single row is hot; ledger.hpp).
  owner TEXT NOT NULL,
  currency TEXT NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  -- Kept for fast reads; equal to the sum of the account's legs (CheckLedger recomputes it).
  balance BIGINT NOT NULL DEFAULT 0,
  UNIQUE (kind, owner, currency),
  -- Money rule 3, a backstop: the service checks under the account locks before writing.
  CHECK (balance >= 0 OR kind NOT IN ('wallet', 'escrow'))
);

CREATE TABLE transfers (
  id BIGSERIAL PRIMARY KEY,
  -- What moved the money: top_up, fund, release, refund, roll, resolve.
  kind TEXT NOT NULL,
  contract_id UUID,
  milestone_id UUID,
  created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- transfer_id has no foreign key: checking one takes a FOR KEY SHARE lock on transfers, which
-- needs the UPDATE right this role gives up below. Legs are only ever inserted in the statement
-- that inserts their transfer (ledger.cpp), and CheckLedger looks for orphans.
CREATE TABLE legs (
  transfer_id BIGINT NOT NULL,
  account_id BIGINT NOT NULL REFERENCES accounts (id),
  currency TEXT NOT NULL,
  amount BIGINT NOT NULL CHECK (amount <> 0),
  PRIMARY KEY (transfer_id, account_id)
);
CREATE INDEX legs_by_account ON legs (account_id);

-- Money rule 2, enforced by the database at commit: every transfer's legs sum to zero in each
-- currency, and each leg's currency is its account's.
CREATE FUNCTION check_transfer_balanced() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM legs l JOIN accounts a ON a.id = l.account_id
             WHERE l.transfer_id = NEW.transfer_id AND l.currency <> a.currency) THEN
    RAISE EXCEPTION 'transfer % has a leg in another currency than its account', NEW.transfer_id
      USING ERRCODE = 'check_violation';
  END IF;
  IF EXISTS (SELECT 1 FROM legs WHERE transfer_id = NEW.transfer_id
             GROUP BY currency HAVING sum(amount) <> 0) THEN
    RAISE EXCEPTION 'transfer % is not balanced', NEW.transfer_id
      USING ERRCODE = 'check_violation';
  END IF;
  RETURN NULL;
END $$;

CREATE CONSTRAINT TRIGGER legs_balanced AFTER INSERT ON legs
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION check_transfer_balanced();

-- Money rule 8: the ledger is append-only. The service's role owns its schema, so the rights it
-- would have as owner are revoked, and a trigger refuses the change should they ever be granted
-- again. Corrections are new transfers.
CREATE FUNCTION refuse_ledger_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'the ledger is append-only: % on % is not allowed', TG_OP, TG_TABLE_NAME
    USING ERRCODE = 'insufficient_privilege';
END $$;

CREATE TRIGGER transfers_append_only BEFORE UPDATE OR DELETE ON transfers
  FOR EACH ROW EXECUTE FUNCTION refuse_ledger_change();
CREATE TRIGGER transfers_no_truncate BEFORE TRUNCATE ON transfers
  FOR EACH STATEMENT EXECUTE FUNCTION refuse_ledger_change();
CREATE TRIGGER legs_append_only BEFORE UPDATE OR DELETE ON legs
  FOR EACH ROW EXECUTE FUNCTION refuse_ledger_change();
CREATE TRIGGER legs_no_truncate BEFORE TRUNCATE ON legs
  FOR EACH STATEMENT EXECUTE FUNCTION refuse_ledger_change();

REVOKE UPDATE, DELETE, TRUNCATE ON transfers, legs FROM CURRENT_USER;

-- Money rule 4: the first successful answer to each (caller, method, key), written in the same
-- transaction as the movement it answers.
CREATE TABLE idempotency_keys (
  caller TEXT NOT NULL,
  method TEXT NOT NULL,
  key TEXT NOT NULL,
  -- SHA-256 (hex) of the request without its key: a different request under the same key is
  -- refused.
  request_hash TEXT NOT NULL,
  -- The serialized response message, base64url; NULL only inside the first call's transaction.
  response TEXT,
  created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  PRIMARY KEY (caller, method, key)
);
