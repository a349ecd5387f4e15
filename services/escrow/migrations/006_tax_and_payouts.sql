-- Tax withholding, payouts and their records (issue 11, items 4 to 6).

-- Tax withheld at release waits in a withholding account per currency (sharded like the other
-- platform accounts, ledger.hpp) until the platform remits it.
ALTER TABLE accounts DROP CONSTRAINT accounts_kind_check;
ALTER TABLE accounts ADD CONSTRAINT accounts_kind_check
  CHECK (kind IN ('wallet', 'escrow', 'fee_revenue', 'funding_clearing', 'payout_clearing',
                  'fx_liquidity', 'rounding', 'withholding'));

-- Withholding rules as data. A freelancer's rule is the row of its tax country and its
-- effective form ('none' until a form is verified); without a row for the country, the row of
-- country '*'. rate_bps is withheld from the freelancer's paid amount at every release;
-- payouts_need_form, on a 'none' row, blocks payouts until a form is verified.
--
-- The seeded rates are EXAMPLES to show the mechanism, not legal or tax advice: they loosely
-- follow US practice (no withholding with a W-9 or a W-8BEN under a treaty; 24 % backup
-- withholding for a US person without a W-9). Operators replace them with rates their advisers
-- give them.
CREATE TABLE withholding_rules (
  country TEXT NOT NULL CHECK (country = '*' OR country ~ '^[A-Z]{2}$'),
  form_kind TEXT NOT NULL CHECK (form_kind IN ('none', 'us_person', 'foreign_person')),
  rate_bps INTEGER NOT NULL CHECK (rate_bps BETWEEN 0 AND 10000),
  payouts_need_form BOOLEAN NOT NULL DEFAULT false,
  note TEXT NOT NULL,
  PRIMARY KEY (country, form_kind)
);
INSERT INTO withholding_rules (country, form_kind, rate_bps, payouts_need_form, note) VALUES
  ('US', 'us_person', 0, false, 'example: US person with a W-9 on file'),
  ('US', 'foreign_person', 0, false, 'example: foreign-person form under a treaty'),
  ('US', 'none', 2400, true, 'example: backup withholding, US person without a W-9'),
  ('*', 'us_person', 0, false, 'example: US person abroad with a W-9 on file'),
  ('*', 'foreign_person', 0, false, 'example: foreign person with a W-8BEN under a treaty'),
  ('*', 'none', 0, false, 'example: default for other countries without a form');

-- A freelancer's tax residence and form. taxpayer_reference is stored for the platform's tax
-- filings and is never logged or returned unmasked. verified_at: the sandbox verifies a form
-- at once; a real verifier would set it later.
CREATE TABLE tax_profiles (
  account_id UUID PRIMARY KEY,
  country TEXT NOT NULL CHECK (country ~ '^[A-Z]{2}$'),
  form_kind TEXT NOT NULL CHECK (form_kind IN ('none', 'us_person', 'foreign_person')),
  taxpayer_reference TEXT NOT NULL,
  verified_at TIMESTAMPTZ,
  updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  CHECK ((form_kind = 'none') = (taxpayer_reference = ''))
);

-- The smallest payout per currency, in minor units. A currency without a row is not paid out.
CREATE TABLE payout_minimums (
  currency TEXT PRIMARY KEY CHECK (currency ~ '^[A-Z]{3}$'),
  min_minor_units BIGINT NOT NULL CHECK (min_minor_units > 0)
);
INSERT INTO payout_minimums (currency, min_minor_units) VALUES
  ('USD', 1000), ('EUR', 1000), ('GBP', 1000), ('CHF', 1000), ('CAD', 1000), ('AUD', 1000),
  ('JPY', 1500), ('INR', 80000), ('BRL', 5000), ('ARS', 1000000), ('MXN', 20000),
  ('KWD', 3000);

-- Payouts: wallet -> payout clearing when requested (pending), then paid, or failed with the
-- money back in the wallet. One per (account, idempotency key).
CREATE TABLE payouts (
  id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
  account_id UUID NOT NULL,
  idempotency_key TEXT NOT NULL,
  currency TEXT NOT NULL,
  amount BIGINT NOT NULL CHECK (amount > 0),
  method TEXT NOT NULL,
  state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'paid', 'failed')),
  provider_reference TEXT NOT NULL DEFAULT '',
  failure_reason TEXT NOT NULL DEFAULT '',
  transfer_id BIGINT NOT NULL,
  reversal_transfer_id BIGINT,
  requested_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  -- The last time a worker asked the provider; the recovery worker retries after a pause.
  attempted_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  settled_at TIMESTAMPTZ,
  UNIQUE (account_id, idempotency_key),
  CHECK ((state = 'pending') = (settled_at IS NULL)),
  CHECK ((state = 'failed') = (reversal_transfer_id IS NOT NULL))
);
CREATE INDEX payouts_by_account ON payouts (account_id, requested_at DESC, id);
CREATE INDEX payouts_pending ON payouts (attempted_at) WHERE state = 'pending';
CREATE INDEX payouts_by_state ON payouts (state, requested_at DESC, id);

-- Yearly statements read the ledger by transfer kind and time.
CREATE INDEX transfers_by_contract ON transfers (contract_id, created_at) WHERE contract_id IS NOT NULL;
