-- freelancer_reputation is now fed by reputation's ScoreUpdated events. `version` is the
-- event's (it rises by one with every change of the user's score), so an older or redelivered
-- event never overwrites a newer summary; rows written before the events (the demo generator's)
-- have version 0 and yield to the first event.
ALTER TABLE freelancer_reputation
  ADD COLUMN review_count INTEGER NOT NULL DEFAULT 0 CHECK (review_count >= 0),
  ADD COLUMN version BIGINT NOT NULL DEFAULT 0 CHECK (version >= 0);
