-- The migration that adds the new shape runs before its backfill: here, the whole sample table.
CREATE TABLE IF NOT EXISTS customers (
  id bigint PRIMARY KEY,
  email text NOT NULL,
  full_name text NOT NULL,
  email_normalized text,
  first_name text,
  last_name text
);
