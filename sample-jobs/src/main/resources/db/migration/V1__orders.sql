-- The sample's migration sequence, on a table of its own: the old shape, amounts in cents.
CREATE TABLE IF NOT EXISTS orders (
  id bigint PRIMARY KEY,
  total_cents bigint NOT NULL
);
INSERT INTO orders (id, total_cents)
SELECT g, (g * 7919) % 100000 FROM generate_series(1, 200000) g
ON CONFLICT (id) DO NOTHING;
