-- Jobs posted by clients, their invitations, and the full-text vector search ranks them by.
-- client_id is the gateway's account id (no foreign key across services). A fixed budget is
-- stored as budget_min = budget_max, an hourly range as min..max: a budget filter then asks one
-- question of both kinds (does [budget_min, budget_max] meet the filter's range?).
CREATE TABLE jobs (
  id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
  -- Insertion order: the tie-breaker of every keyset cursor, never reused.
  seq BIGINT GENERATED ALWAYS AS IDENTITY UNIQUE,
  client_id UUID NOT NULL,
  client_country TEXT NOT NULL CHECK (client_country ~ '^[A-Z]{2}$'),
  title TEXT NOT NULL CHECK (char_length(title) BETWEEN 1 AND 150),
  description TEXT NOT NULL CHECK (char_length(description) BETWEEN 1 AND 10000),
  skills TEXT[] NOT NULL CHECK (cardinality(skills) BETWEEN 1 AND 15),
  budget_kind TEXT NOT NULL CHECK (budget_kind IN ('fixed', 'hourly')),
  currency TEXT NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  budget_min_minor_units BIGINT NOT NULL CHECK (budget_min_minor_units > 0),
  budget_max_minor_units BIGINT NOT NULL CHECK (budget_max_minor_units >= budget_min_minor_units),
  expected_duration TEXT NOT NULL,
  allowed_countries TEXT[] NOT NULL DEFAULT '{}' CHECK (cardinality(allowed_countries) <= 50),
  allowed_languages TEXT[] NOT NULL DEFAULT '{}' CHECK (cardinality(allowed_languages) <= 10),
  visibility TEXT NOT NULL CHECK (visibility IN ('public', 'invite_only')),
  bid_deadline TIMESTAMPTZ NOT NULL,
  status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed', 'filled', 'cancelled')),
  -- The accepted bid, once bidding's BidAccepted arrived.
  filled_by_bid_id UUID,
  version BIGINT NOT NULL DEFAULT 1 CHECK (version >= 1),
  created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  -- Title weighs most, then skills, then the description (ts_rank's A/B/C weights). Kept by the
  -- trigger below, so bulk loads (COPY) get it too.
  search_vector TSVECTOR NOT NULL DEFAULT ''
);

CREATE FUNCTION jobs_search_vector() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.search_vector :=
    setweight(to_tsvector('english', NEW.title), 'A') ||
    setweight(to_tsvector('english', array_to_string(NEW.skills, ' ')), 'B') ||
    setweight(to_tsvector('english', NEW.description), 'C');
  RETURN NEW;
END
$$;

CREATE TRIGGER jobs_search_vector BEFORE INSERT OR UPDATE OF title, skills, description ON jobs
  FOR EACH ROW EXECUTE FUNCTION jobs_search_vector();

CREATE INDEX jobs_search ON jobs USING GIN (search_vector);
CREATE INDEX jobs_skills ON jobs USING GIN (skills);
CREATE INDEX jobs_by_client ON jobs (client_id, seq DESC);
-- Search pages through open jobs newest first far more than anything else.
CREATE INDEX jobs_open_newest ON jobs (seq DESC) WHERE status = 'open';

CREATE TABLE job_invitations (
  job_id UUID NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
  freelancer_id UUID NOT NULL,
  seq BIGINT GENERATED ALWAYS AS IDENTITY,
  invited_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  PRIMARY KEY (job_id, freelancer_id)
);

-- "Which invite-only jobs may this freelancer see?" for search.
CREATE INDEX job_invitations_by_freelancer ON job_invitations (freelancer_id);
