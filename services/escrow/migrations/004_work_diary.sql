-- The work diary of hourly contracts: what the freelancer logged, in whole minutes. week_start is
-- the Monday 00:00 UTC of the entry's week; an entry lies wholly inside its week. Overlaps are
-- refused by the service under the contract's row lock: the exclusion constraint would need
-- btree_gist, which the service's role may not install.
CREATE TABLE time_entries (
  id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
  contract_id UUID NOT NULL REFERENCES contracts (id),
  week_start TIMESTAMPTZ NOT NULL,
  started_at TIMESTAMPTZ NOT NULL,
  minutes INTEGER NOT NULL CHECK (minutes BETWEEN 1 AND 1440),
  memo TEXT NOT NULL,
  created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  CHECK (started_at >= week_start),
  CHECK (started_at + minutes * interval '1 minute' <= week_start + interval '7 days')
);
CREATE INDEX time_entries_by_week ON time_entries (contract_id, week_start, started_at);
