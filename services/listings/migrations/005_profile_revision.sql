-- A profile's revision counts every change of what GetProfile returns, portfolio included
-- (version counts only the profile's own fields, for optimistic concurrency). The cache keeps
-- the newest revision (item_cache.hpp).
ALTER TABLE profiles ADD COLUMN revision BIGINT NOT NULL DEFAULT 1 CHECK (revision >= 1);
