-- Listings' copy of the current exchange rates. Escrow owns the rates (it locks them into
-- contracts); listings keeps the latest quote per pair from escrow's FxRatesUpdated events, to
-- convert search filters. Exponents are the two currencies' minor-unit digits from the currency
-- table, stored with the rate so that SQL can convert minor units exactly on its own.
CREATE TABLE fx_rates (
  base_currency TEXT NOT NULL CHECK (base_currency ~ '^[A-Z]{3}$'),
  quote_currency TEXT NOT NULL CHECK (quote_currency ~ '^[A-Z]{3}$'),
  -- 1 unit of base buys `rate` units of quote: an exact decimal.
  rate NUMERIC NOT NULL CHECK (rate > 0),
  base_exponent INTEGER NOT NULL CHECK (base_exponent BETWEEN 0 AND 4),
  quote_exponent INTEGER NOT NULL CHECK (quote_exponent BETWEEN 0 AND 4),
  quoted_at TIMESTAMPTZ NOT NULL,
  PRIMARY KEY (base_currency, quote_currency),
  CHECK (base_currency <> quote_currency)
);

-- Every currency's factor to USD minor units: usd_minor = minor_units * num / den, from a
-- direct rate (X -> USD) or an inverse one (USD -> X), the newer quote when both exist. Exact:
-- numeric products only; the one division happens in the comparison's cross-multiplication.
CREATE VIEW fx_to_usd AS
SELECT DISTINCT ON (currency) currency, num, den
FROM (
  SELECT 'USD' AS currency, 1::numeric AS num, 1::numeric AS den, 'infinity'::timestamptz AS quoted_at
  UNION ALL
  SELECT base_currency, rate * power(10::numeric, quote_exponent), power(10::numeric, base_exponent),
         quoted_at
  FROM fx_rates WHERE quote_currency = 'USD'
  UNION ALL
  SELECT quote_currency, power(10::numeric, base_exponent), rate * power(10::numeric, quote_exponent),
         quoted_at
  FROM fx_rates WHERE base_currency = 'USD'
) AS factors
ORDER BY currency, quoted_at DESC;

-- The reputation summary search shows and ranks by. Reputation's score events will fill it; a
-- freelancer without a row has the documented default (score 0 = unrated, no badges).
CREATE TABLE freelancer_reputation (
  freelancer_id UUID PRIMARY KEY,
  score NUMERIC(3, 2) NOT NULL CHECK (score BETWEEN 0 AND 5),
  job_success_percent INTEGER NOT NULL CHECK (job_success_percent BETWEEN 0 AND 100),
  badges TEXT[] NOT NULL DEFAULT '{}',
  updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

ALTER TABLE profiles ADD COLUMN seq BIGINT GENERATED ALWAYS AS IDENTITY UNIQUE;
ALTER TABLE profiles ADD COLUMN search_vector TSVECTOR NOT NULL DEFAULT '';

CREATE FUNCTION profiles_search_vector() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.search_vector :=
    setweight(to_tsvector('english', NEW.headline), 'A') ||
    setweight(to_tsvector('english', array_to_string(NEW.skills, ' ')), 'B') ||
    setweight(to_tsvector('english', NEW.overview), 'C');
  RETURN NEW;
END
$$;

CREATE TRIGGER profiles_search_vector BEFORE INSERT OR UPDATE OF headline, skills, overview
  ON profiles FOR EACH ROW EXECUTE FUNCTION profiles_search_vector();
UPDATE profiles SET headline = headline;

CREATE INDEX profiles_search ON profiles USING GIN (search_vector);
CREATE INDEX profiles_skills ON profiles USING GIN (skills);
