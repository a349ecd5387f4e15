-- freelancer_reputation is now fed by reputation's ScoreUpdated events. `version` is the
-- event's (it rises by one with every change of the user's score), so an older or redelivered
-- event never overwrites a newer score.
ALTER TABLE freelancer_reputation
  ADD COLUMN version BIGINT NOT NULL DEFAULT 0 CHECK (version >= 0);
