-- Accounts of freelancers, clients and operators. Emails are stored normalised (trimmed,
-- lower-case) and unique; the password column holds an encoded scrypt hash, never a password.
CREATE TABLE accounts (
  id UUID PRIMARY KEY,
  email TEXT NOT NULL UNIQUE CHECK (length(email) BETWEEN 3 AND 254),
  password_hash TEXT NOT NULL,
  display_name TEXT NOT NULL CHECK (length(display_name) BETWEEN 1 AND 100),
  country CHAR(2) NOT NULL CHECK (country ~ '^[A-Z]{2}$'),
  roles TEXT[] NOT NULL CHECK (cardinality(roles) >= 1),
  company_name TEXT CHECK (company_name IS NULL OR length(company_name) BETWEEN 1 AND 200),
  preferred_currency CHAR(3) NOT NULL CHECK (preferred_currency ~ '^[A-Z]{3}$'),
  created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  password_changed_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
