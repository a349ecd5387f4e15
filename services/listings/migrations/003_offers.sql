-- Offers (fixed-price productized services) and their purchases. A purchase row and its
-- OfferBought outbox row are written in one transaction; the unique (client, idempotency key)
-- makes a retried BuyOffer find the first purchase instead of making a second.
CREATE TABLE offers (
  id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
  seq BIGINT GENERATED ALWAYS AS IDENTITY UNIQUE,
  freelancer_id UUID NOT NULL REFERENCES profiles (freelancer_id),
  freelancer_country TEXT NOT NULL CHECK (freelancer_country ~ '^[A-Z]{2}$'),
  title TEXT NOT NULL CHECK (char_length(title) BETWEEN 1 AND 120),
  description TEXT NOT NULL CHECK (char_length(description) BETWEEN 1 AND 5000),
  price_minor_units BIGINT NOT NULL CHECK (price_minor_units > 0),
  price_currency TEXT NOT NULL CHECK (price_currency ~ '^[A-Z]{3}$'),
  delivery_days INTEGER NOT NULL CHECK (delivery_days BETWEEN 1 AND 365),
  revisions_included INTEGER NOT NULL CHECK (revisions_included BETWEEN 0 AND 20),
  skills TEXT[] NOT NULL CHECK (cardinality(skills) BETWEEN 1 AND 15),
  status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'paused')),
  version BIGINT NOT NULL DEFAULT 1 CHECK (version >= 1),
  created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  search_vector TSVECTOR NOT NULL DEFAULT ''
);

CREATE FUNCTION offers_search_vector() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.search_vector :=
    setweight(to_tsvector('english', NEW.title), 'A') ||
    setweight(to_tsvector('english', array_to_string(NEW.skills, ' ')), 'B') ||
    setweight(to_tsvector('english', NEW.description), 'C');
  RETURN NEW;
END
$$;

CREATE TRIGGER offers_search_vector BEFORE INSERT OR UPDATE OF title, skills, description
  ON offers FOR EACH ROW EXECUTE FUNCTION offers_search_vector();

CREATE INDEX offers_search ON offers USING GIN (search_vector);
CREATE INDEX offers_skills ON offers USING GIN (skills);
CREATE INDEX offers_by_freelancer ON offers (freelancer_id, seq DESC);

CREATE TABLE offer_purchases (
  id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
  client_id UUID NOT NULL,
  idempotency_key TEXT NOT NULL CHECK (char_length(idempotency_key) BETWEEN 1 AND 100),
  -- What the request asked for, to tell a retry from a different request under the same key.
  offer_id UUID NOT NULL REFERENCES offers (id),
  expected_price_minor_units BIGINT NOT NULL,
  expected_price_currency TEXT NOT NULL,
  -- The terms bought, frozen: later edits of the offer do not change them.
  freelancer_id UUID NOT NULL,
  title TEXT NOT NULL,
  price_minor_units BIGINT NOT NULL,
  price_currency TEXT NOT NULL,
  delivery_days INTEGER NOT NULL,
  revisions_included INTEGER NOT NULL,
  bought_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  UNIQUE (client_id, idempotency_key)
);
