-- Expand: the new column, empty. The backfill order-totals fills it; the application writes both meanwhile.
ALTER TABLE orders ADD COLUMN IF NOT EXISTS total numeric(12, 2);
