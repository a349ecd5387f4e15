-- The transactional outbox: each row is an event written in the same transaction as the change
-- it describes. The relay publishes rows in id order and stamps published_at; published rows are
-- kept so a range can be published again (clear published_at) after a Redis data loss.
CREATE TABLE outbox (
  id BIGSERIAL PRIMARY KEY,
  source TEXT NOT NULL,
  event_type TEXT NOT NULL,
  aggregate_id TEXT NOT NULL,
  payload BYTEA NOT NULL,
  occurred_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  published_at TIMESTAMPTZ
);

CREATE INDEX outbox_unpublished ON outbox (source, id) WHERE published_at IS NULL;

-- The events a consumer group has applied, written in the same transaction as the effect: an id
-- found here is a redelivery and is skipped.
CREATE TABLE processed_events (
  consumer_group TEXT NOT NULL,
  event_id TEXT NOT NULL,
  processed_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  PRIMARY KEY (consumer_group, event_id)
);

-- Entries a consumer group gave up on: unreadable, or refused by the handler too many times.
-- They are acknowledged on the stream so they stop blocking; an operator can inspect them here
-- and publish them again.
CREATE TABLE dead_events (
  consumer_group TEXT NOT NULL,
  stream TEXT NOT NULL,
  entry_id TEXT NOT NULL,
  event_id TEXT,
  envelope BYTEA,
  attempts INTEGER NOT NULL,
  error_code TEXT NOT NULL,
  error_message TEXT NOT NULL,
  failed_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  PRIMARY KEY (consumer_group, stream, entry_id)
);
