-- Hourly contracts: the rate (minor units of the contract currency per hour), the weekly hour
-- limit and the start date, frozen at creation like the fixed-price terms. A fixed-price contract
-- has milestones and none of these; an hourly one has all of them and no milestones.
ALTER TABLE contracts
  ADD COLUMN kind TEXT NOT NULL DEFAULT 'fixed_price' CHECK (kind IN ('fixed_price', 'hourly')),
  ADD COLUMN hourly_rate BIGINT CHECK (hourly_rate > 0),
  ADD COLUMN weekly_hour_limit INTEGER CHECK (weekly_hour_limit BETWEEN 1 AND 168),
  ADD COLUMN start_date DATE,
  -- Set when the contract ended: by whom ("client" or "freelancer") and when.
  ADD COLUMN ended_by TEXT NOT NULL DEFAULT '' CHECK (ended_by IN ('', 'client', 'freelancer')),
  ADD COLUMN ended_at TIMESTAMPTZ,
  ADD CONSTRAINT contracts_hourly_terms CHECK (
    (kind = 'hourly') = (hourly_rate IS NOT NULL AND weekly_hour_limit IS NOT NULL
                         AND start_date IS NOT NULL));

-- Hourly contracts pause (no time may be logged) and end (for good); fixed-price ones complete.
ALTER TABLE contracts DROP CONSTRAINT contracts_state_check;
ALTER TABLE contracts ADD CONSTRAINT contracts_state_check
  CHECK (state IN ('active', 'completed', 'paused', 'ended'));
ALTER TABLE contracts ADD CONSTRAINT contracts_hourly_states
  CHECK (kind = 'hourly' OR state IN ('active', 'completed'));
