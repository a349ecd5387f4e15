-- Bidding's copy of each freelancer's languages, kept from listings' ProfileUpdated events, so
-- that a job's allowed languages apply to bids the way its allowed countries do. A row is
-- replaced only by an event of the same or a newer profile version: a late event never undoes a
-- newer one.
CREATE TABLE freelancer_languages (
  freelancer_id UUID PRIMARY KEY,
  languages TEXT[] NOT NULL,
  version BIGINT NOT NULL,
  updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
