-- the contract step: the new column becomes the only one
-- backfill:requires flyway-amounts
ALTER TABLE flyway_orders ALTER COLUMN amount SET NOT NULL;
