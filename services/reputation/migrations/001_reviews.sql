-- Reputation's copy of escrow's contracts, fed by escrow's events only: the parties, the value,
-- whether money moved, how it ended and the review window. Escrow stays the record of the money.
CREATE TABLE contracts (
  id UUID PRIMARY KEY,
  client_id UUID NOT NULL,
  freelancer_id UUID NOT NULL,
  currency TEXT NOT NULL,
  -- The sum of the milestones' amounts, minor units of `currency`.
  value_minor BIGINT NOT NULL CHECK (value_minor >= 0),
  -- ContractPolicy.review_window_seconds, default filled in.
  review_window_seconds BIGINT NOT NULL CHECK (review_window_seconds > 0),
  funded_minor BIGINT NOT NULL DEFAULT 0,
  released_minor BIGINT NOT NULL DEFAULT 0,
  refunded_minor BIGINT NOT NULL DEFAULT 0,
  -- Disputes resolved against each party: the side that received less than half of the held
  -- amount lost it; an even split loses nobody.
  freelancer_disputes_lost INTEGER NOT NULL DEFAULT 0,
  client_disputes_lost INTEGER NOT NULL DEFAULT 0,
  -- Set by ContractCompleted.
  ended_at TIMESTAMPTZ,
  review_closes_at TIMESTAMPTZ,
  -- Frozen when the contract ends (README, "Weights"): the value in US cents at the rate then
  -- known (NULL without one) and the weight its reviews carry.
  value_usd_cents BIGINT,
  weight INTEGER CHECK (weight BETWEEN 1 AND 10000),
  -- Reviews written on this contract, hidden ones included: 2 lifts the double blind.
  reviews_written INTEGER NOT NULL DEFAULT 0 CHECK (reviews_written BETWEEN 0 AND 2),
  created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  CHECK (client_id <> freelancer_id)
);
CREATE INDEX contracts_by_freelancer ON contracts (freelancer_id, ended_at);
CREATE INDEX contracts_by_client ON contracts (client_id, ended_at);

-- The latest rate of each currency into USD from escrow's FxRatesUpdated, to freeze contract
-- values in one unit.
CREATE TABLE usd_rates (
  currency TEXT PRIMARY KEY,
  -- The exact decimal as escrow published it (market.escrow.v1.FxRate.rate).
  rate TEXT NOT NULL,
  quoted_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE reviews (
  id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
  contract_id UUID NOT NULL REFERENCES contracts (id),
  direction TEXT NOT NULL CHECK (direction IN ('of_freelancer', 'of_client')),
  author_id UUID NOT NULL,
  subject_id UUID NOT NULL,
  overall SMALLINT NOT NULL CHECK (overall BETWEEN 1 AND 5),
  quality SMALLINT NOT NULL CHECK (quality BETWEEN 0 AND 5),
  communication SMALLINT NOT NULL CHECK (communication BETWEEN 0 AND 5),
  deadlines SMALLINT NOT NULL CHECK (deadlines BETWEEN 0 AND 5),
  clarity SMALLINT NOT NULL CHECK (clarity BETWEEN 0 AND 5),
  payment_promptness SMALLINT NOT NULL CHECK (payment_promptness BETWEEN 0 AND 5),
  comment TEXT NOT NULL,
  created_at TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp(),
  reply_text TEXT,
  replied_at TIMESTAMPTZ,
  hidden_at TIMESTAMPTZ,
  -- One review per direction and contract.
  UNIQUE (contract_id, direction)
);
CREATE INDEX reviews_by_subject ON reviews (subject_id, created_at DESC, id DESC);

-- The moderation audit trail: append-only.
CREATE TABLE moderation_log (
  id BIGSERIAL PRIMARY KEY,
  review_id UUID NOT NULL REFERENCES reviews (id),
  operator_id TEXT NOT NULL,
  action TEXT NOT NULL CHECK (action IN ('hide')),
  reason TEXT NOT NULL,
  at TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- The platform mean rating per direction, the Bayesian prior (README, "Scores"), in thousandths.
-- Seeded with 4.5; RefreshPriors replaces it with the mean of the visible reviews.
CREATE TABLE priors (
  direction TEXT PRIMARY KEY CHECK (direction IN ('of_freelancer', 'of_client')),
  mean_milli INTEGER NOT NULL CHECK (mean_milli BETWEEN 1000 AND 5000),
  computed_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
INSERT INTO priors (direction, mean_milli) VALUES ('of_freelancer', 4500), ('of_client', 4500);

-- Each user's score as last computed, the source of the cache and of ScoreUpdated. `version`
-- grows with every change; `valid_until` is when time alone may change it (a review window
-- closing, an outcome leaving the job-success window), when the rescore task recomputes it.
CREATE TABLE scores (
  user_id UUID PRIMARY KEY,
  version BIGINT NOT NULL,
  score BYTEA NOT NULL,
  valid_until TIMESTAMPTZ NOT NULL
);
CREATE INDEX scores_due ON scores (valid_until);
