-- Test data for embedded_migrations_test: quotes, parentheses, a dollar-quoted body and a
-- backslash must survive embedding unchanged.
CREATE TABLE jobs (
  id bigserial PRIMARY KEY,
  title text NOT NULL DEFAULT 'untitled ("draft")'
);
CREATE FUNCTION touch() RETURNS text LANGUAGE sql AS $$ SELECT 'a\b' $$;
