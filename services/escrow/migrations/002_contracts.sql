-- Escrow owns the FX rates (DESIGN.md, escrow): the current rate of each pair, an exact decimal
-- with its quote time. Contracts copy the rate they lock, so a later load never changes them.
CREATE TABLE fx_rates (
  base_currency TEXT NOT NULL,
  quote_currency TEXT NOT NULL,
  rate NUMERIC NOT NULL CHECK (rate > 0),
  quoted_at TIMESTAMPTZ NOT NULL,
  loaded_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  PRIMARY KEY (base_currency, quote_currency),
  CHECK (base_currency <> quote_currency)
);

-- Fixed-price contracts with their frozen terms.
CREATE TABLE contracts (
  id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
  source TEXT NOT NULL CHECK (source IN ('accepted_bid', 'bought_offer')),
  source_id TEXT NOT NULL,
  title TEXT NOT NULL,
  client_id UUID NOT NULL,
  client_country TEXT NOT NULL,
  freelancer_id UUID NOT NULL,
  freelancer_country TEXT NOT NULL,
  currency TEXT NOT NULL,
  payout_currency TEXT NOT NULL,
  -- Locked at creation: 1 unit of currency buys fx_rate units of payout_currency.
  fx_rate NUMERIC NOT NULL CHECK (fx_rate > 0),
  fx_quoted_at TIMESTAMPTZ NOT NULL,
  freelancer_fee_bps INTEGER NOT NULL CHECK (freelancer_fee_bps BETWEEN 0 AND 5000),
  review_window_seconds BIGINT NOT NULL CHECK (review_window_seconds > 0),
  dispute_response_window_seconds BIGINT NOT NULL CHECK (dispute_response_window_seconds > 0),
  state TEXT NOT NULL DEFAULT 'active' CHECK (state IN ('active', 'completed')),
  created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  UNIQUE (source, source_id)
);
CREATE INDEX contracts_by_client ON contracts (client_id, created_at DESC, id);
CREATE INDEX contracts_by_freelancer ON contracts (freelancer_id, created_at DESC, id);

CREATE TABLE milestones (
  id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
  contract_id UUID NOT NULL REFERENCES contracts (id),
  position INTEGER NOT NULL,
  title TEXT NOT NULL,
  amount BIGINT NOT NULL CHECK (amount > 0),
  state TEXT NOT NULL DEFAULT 'pending'
    CHECK (state IN ('pending', 'funded', 'submitted', 'disputed', 'released', 'cancelled',
                     'resolved')),
  -- What escrow holds for this milestone; the escrow account's balance is the sum over the
  -- contract's milestones.
  held BIGINT NOT NULL DEFAULT 0 CHECK (held >= 0),
  released BIGINT NOT NULL DEFAULT 0,
  refunded BIGINT NOT NULL DEFAULT 0,
  funded_at TIMESTAMPTZ,
  review_deadline TIMESTAMPTZ,
  cancel_requested_by TEXT NOT NULL DEFAULT '',
  UNIQUE (contract_id, position)
);
-- The auto-approval worker's scan.
CREATE INDEX milestones_review_due ON milestones (review_deadline) WHERE state = 'submitted';

CREATE TABLE disputes (
  id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
  contract_id UUID NOT NULL REFERENCES contracts (id),
  milestone_id UUID NOT NULL REFERENCES milestones (id),
  opened_by TEXT NOT NULL CHECK (opened_by IN ('client', 'freelancer')),
  state TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'resolved')),
  held BIGINT NOT NULL,
  currency TEXT NOT NULL,
  opened_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  response_deadline TIMESTAMPTZ NOT NULL,
  to_freelancer BIGINT,
  to_client BIGINT
);
-- One open dispute per milestone.
CREATE UNIQUE INDEX disputes_one_open ON disputes (milestone_id) WHERE state = 'open';

-- Every step of a dispute, append-only like the ledger.
CREATE TABLE dispute_trail (
  id BIGSERIAL PRIMARY KEY,
  dispute_id UUID NOT NULL REFERENCES disputes (id),
  kind TEXT NOT NULL CHECK (kind IN ('opened', 'responded', 'resolved')),
  actor_id TEXT NOT NULL,
  text TEXT NOT NULL,
  at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE TRIGGER dispute_trail_append_only BEFORE UPDATE OR DELETE ON dispute_trail
  FOR EACH ROW EXECUTE FUNCTION refuse_ledger_change();
REVOKE UPDATE, DELETE, TRUNCATE ON dispute_trail FROM CURRENT_USER;
