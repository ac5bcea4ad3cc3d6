-- The migration that adds the new shape runs before its backfill: here, the whole sample table.
CREATE TABLE IF NOT EXISTS customers (
  id bigint PRIMARY KEY,
  email text NOT NULL,
  full_name text NOT NULL,
  email_normalized text,
  first_name text,
  last_name text
);

-- A table with a composite key: order lines, keyed by (order_id, line_no), filled with 30,000 lines once.
CREATE TABLE IF NOT EXISTS order_lines (
  order_id bigint NOT NULL,
  line_no integer NOT NULL,
  quantity integer NOT NULL,
  unit_cents bigint NOT NULL,
  amount_cents bigint,
  PRIMARY KEY (order_id, line_no)
);
INSERT INTO order_lines (order_id, line_no, quantity, unit_cents)
SELECT o, l, 1 + (o * l) % 5, 100 + (o * 7919 + l) % 9900
FROM generate_series(1, 10000) o, generate_series(1, 3) l
WHERE NOT EXISTS (SELECT 1 FROM order_lines);

-- One schema per tenant, each with its own accounts table: the backfill tenant-emails runs over every tenant_* schema.
CREATE SCHEMA IF NOT EXISTS tenant_alpha;
CREATE SCHEMA IF NOT EXISTS tenant_beta;
CREATE SCHEMA IF NOT EXISTS tenant_gamma;
CREATE TABLE IF NOT EXISTS tenant_alpha.accounts (id bigint PRIMARY KEY, email text NOT NULL, email_lower text);
CREATE TABLE IF NOT EXISTS tenant_beta.accounts (id bigint PRIMARY KEY, email text NOT NULL, email_lower text);
CREATE TABLE IF NOT EXISTS tenant_gamma.accounts (id bigint PRIMARY KEY, email text NOT NULL, email_lower text);
INSERT INTO tenant_alpha.accounts (id, email) SELECT g, 'Alpha.User' || g || '@Example.com' FROM generate_series(1, 12000) g
ON CONFLICT (id) DO NOTHING;
INSERT INTO tenant_beta.accounts (id, email) SELECT g, 'Beta.User' || g || '@Example.com' FROM generate_series(1, 8000) g
ON CONFLICT (id) DO NOTHING;
INSERT INTO tenant_gamma.accounts (id, email) SELECT g, 'Gamma.User' || g || '@Example.com' FROM generate_series(1, 3000) g
ON CONFLICT (id) DO NOTHING;
