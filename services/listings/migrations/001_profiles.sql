-- Freelancer profiles and their portfolios. One profile per freelancer account, keyed by the
-- account id the gateway issued (accounts live in the gateway's schema, so there is no foreign
-- key across services). The service validates every field; the checks here are the last line
-- of defence. Money is BIGINT minor units plus an ISO 4217 code (DESIGN.md, money rule 1).
CREATE TABLE profiles (
  freelancer_id UUID PRIMARY KEY,
  headline TEXT NOT NULL CHECK (char_length(headline) BETWEEN 1 AND 120),
  overview TEXT NOT NULL DEFAULT '' CHECK (char_length(overview) <= 5000),
  skills TEXT[] NOT NULL CHECK (cardinality(skills) BETWEEN 1 AND 30),
  languages TEXT[] NOT NULL DEFAULT '{}' CHECK (cardinality(languages) <= 10),
  country TEXT NOT NULL CHECK (country ~ '^[A-Z]{2}$'),
  timezone TEXT NOT NULL CHECK (char_length(timezone) BETWEEN 1 AND 64),
  hourly_rate_minor_units BIGINT NOT NULL CHECK (hourly_rate_minor_units > 0),
  hourly_rate_currency TEXT NOT NULL CHECK (hourly_rate_currency ~ '^[A-Z]{3}$'),
  weekly_availability_hours INTEGER NOT NULL CHECK (weekly_availability_hours BETWEEN 1 AND 80),
  -- Optimistic concurrency: 1 on creation, +1 on every write of the fields above.
  version BIGINT NOT NULL DEFAULT 1 CHECK (version >= 1),
  created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE portfolio_items (
  id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
  freelancer_id UUID NOT NULL REFERENCES profiles (freelancer_id) ON DELETE CASCADE,
  -- Insertion order, so items list oldest first even when two share a timestamp.
  seq BIGINT GENERATED ALWAYS AS IDENTITY,
  title TEXT NOT NULL CHECK (char_length(title) BETWEEN 1 AND 120),
  description TEXT NOT NULL DEFAULT '' CHECK (char_length(description) <= 2000),
  url TEXT NOT NULL CHECK (char_length(url) <= 500 AND url ~* '^https?://'),
  created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE INDEX portfolio_items_by_freelancer ON portfolio_items (freelancer_id, seq);
