-- Backfill:requires flyway-amounts, no-such-backfill
ALTER TABLE flyway_orders DROP COLUMN cents;
