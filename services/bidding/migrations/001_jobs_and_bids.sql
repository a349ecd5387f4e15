-- Bidding's copy of the jobs it takes bids on, kept from listings' job events (JobPosted,
-- JobUpdated, JobClosed, JobCancelled, JobInvited, JobFilled). Only the fields the bidding rules
-- need. A row is replaced by an event carrying the same or a newer job version; filled and
-- cancelled never change again, since nothing leaves them (listings' state machine) and a
-- late event must not reopen a job bidding itself filled by accepting a bid.
CREATE TABLE jobs (
  id UUID PRIMARY KEY,
  client_id UUID NOT NULL,
  client_country TEXT NOT NULL,
  title TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('open', 'closed', 'filled', 'cancelled')),
  -- 'fixed' or 'hourly', and the budget's currency: every bid uses both.
  budget_kind TEXT NOT NULL CHECK (budget_kind IN ('fixed', 'hourly')),
  currency TEXT NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  -- listings' JobDuration number: bid cost by job size.
  expected_duration INTEGER NOT NULL,
  allowed_countries TEXT[] NOT NULL DEFAULT '{}',
  allowed_languages TEXT[] NOT NULL DEFAULT '{}',
  invite_only BOOLEAN NOT NULL,
  invited_freelancer_ids TEXT[] NOT NULL DEFAULT '{}',
  bid_deadline TIMESTAMPTZ NOT NULL,
  version BIGINT NOT NULL,
  updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE bids (
  id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
  -- Keyset cursor of freelancer lists and the tie-breaker of every sort.
  seq BIGINT GENERATED ALWAYS AS IDENTITY UNIQUE,
  job_id UUID NOT NULL REFERENCES jobs (id),
  freelancer_id UUID NOT NULL,
  freelancer_country TEXT NOT NULL,
  status TEXT NOT NULL
    CHECK (status IN ('active', 'withdrawn', 'rejected', 'accepted', 'not_chosen', 'expired')),
  kind TEXT NOT NULL CHECK (kind IN ('fixed', 'hourly')),
  currency TEXT NOT NULL,
  -- The fixed price or the hourly rate, in minor units of `currency`.
  amount_minor_units BIGINT NOT NULL CHECK (amount_minor_units > 0),
  delivery_days INTEGER NOT NULL,
  weekly_hour_limit INTEGER NOT NULL,
  cover_letter TEXT NOT NULL,
  milestone_titles TEXT[] NOT NULL DEFAULT '{}',
  milestone_amounts BIGINT[] NOT NULL DEFAULT '{}',
  milestone_due_days INTEGER[] NOT NULL DEFAULT '{}',
  revision INTEGER NOT NULL DEFAULT 1,
  shortlisted BOOLEAN NOT NULL DEFAULT false,
  rejection_reason TEXT NOT NULL DEFAULT '',
  invited BOOLEAN NOT NULL,
  credits_spent INTEGER NOT NULL CHECK (credits_spent >= 0),
  payout_currency TEXT NOT NULL,
  created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- One active bid per freelancer and job: the rule holds under any concurrency.
CREATE UNIQUE INDEX bids_one_active_per_freelancer ON bids (job_id, freelancer_id)
  WHERE status = 'active';
-- At most one accepted bid per job, whatever the code above it does.
CREATE UNIQUE INDEX bids_one_accepted_per_job ON bids (job_id) WHERE status = 'accepted';
CREATE INDEX bids_by_freelancer ON bids (freelancer_id, seq);
CREATE INDEX bids_by_job ON bids (job_id, status, amount_minor_units, seq);

-- Every version of a bid's terms, the first one included: the history both sides see.
CREATE TABLE bid_revisions (
  bid_id UUID NOT NULL REFERENCES bids (id),
  revision INTEGER NOT NULL,
  amount_minor_units BIGINT NOT NULL,
  delivery_days INTEGER NOT NULL,
  weekly_hour_limit INTEGER NOT NULL,
  cover_letter TEXT NOT NULL,
  milestone_titles TEXT[] NOT NULL,
  milestone_amounts BIGINT[] NOT NULL,
  milestone_due_days INTEGER[] NOT NULL,
  created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  PRIMARY KEY (bid_id, revision)
);

-- AcceptBid's idempotency keys, per client, kept for good: a retry finds its first answer.
CREATE TABLE accept_requests (
  client_id UUID NOT NULL,
  idempotency_key TEXT NOT NULL,
  bid_id UUID NOT NULL REFERENCES bids (id),
  created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  PRIMARY KEY (client_id, idempotency_key)
);

-- The credit ledger: entries only, never a stored balance. A month's balance is the sum of the
-- entries of that UTC month (`period`, its first day); unused credits do not carry over.
CREATE TABLE credit_entries (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  freelancer_id UUID NOT NULL,
  period DATE NOT NULL CHECK (extract(day FROM period) = 1),
  kind TEXT NOT NULL CHECK (kind IN ('monthly_grant', 'bid_spend', 'refund')),
  credits BIGINT NOT NULL,
  bid_id UUID REFERENCES bids (id),
  job_id UUID,
  created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  CHECK ((kind = 'monthly_grant') = (bid_id IS NULL)),
  -- Spends take credits away, grants and refunds give them (a grant of 0 records an allowance
  -- of 0); an invited bid costs nothing and writes no entry.
  CHECK ((kind = 'bid_spend') = (credits < 0))
);
CREATE INDEX credit_entries_by_month ON credit_entries (freelancer_id, period, id);
-- One grant per freelancer and month, one refund per bid, whoever races.
CREATE UNIQUE INDEX credit_entries_one_grant ON credit_entries (freelancer_id, period)
  WHERE kind = 'monthly_grant';
CREATE UNIQUE INDEX credit_entries_one_refund ON credit_entries (bid_id) WHERE kind = 'refund';

-- Reputation scores for sorting bids, kept from reputation's events once it publishes them; a
-- freelancer without a row is unrated and sorts last.
CREATE TABLE freelancer_reputation (
  freelancer_id UUID PRIMARY KEY,
  score NUMERIC(3, 2) NOT NULL CHECK (score BETWEEN 0 AND 5),
  updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
