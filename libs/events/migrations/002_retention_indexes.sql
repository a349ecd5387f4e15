-- Pruning (retention.hpp) finds a group's old rows by age; without these it would scan the
-- whole table once an hour.
CREATE INDEX processed_events_age ON processed_events (consumer_group, processed_at);
CREATE INDEX dead_events_age ON dead_events (consumer_group, failed_at);
