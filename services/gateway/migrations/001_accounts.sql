-- Accounts of freelancers, clients and operators. Emails are stored normalised (trimmed,
-- lower-case) and unique; password_hash holds an encoded scrypt hash, never a password.
CREATE TABLE accounts (
  id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
  email TEXT NOT NULL UNIQUE CHECK (length(email) BETWEEN 3 AND 254),
  password_hash TEXT NOT NULL,
  display_name TEXT NOT NULL CHECK (length(display_name) BETWEEN 1 AND 100),
  country TEXT NOT NULL CHECK (country ~ '^[A-Z]{2}$'),
  roles TEXT[] NOT NULL
    CHECK (cardinality(roles) >= 1 AND roles <@ ARRAY['freelancer', 'client', 'operator']),
  company_name TEXT NOT NULL DEFAULT '' CHECK (length(company_name) <= 200),
  preferred_currency TEXT NOT NULL CHECK (preferred_currency ~ '^[A-Z]{3}$'),
  created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  password_changed_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
