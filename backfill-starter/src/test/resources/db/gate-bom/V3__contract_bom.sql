-- backfill:requires no-such-backfill
-- saved by an editor that starts the file with a byte order mark
ALTER TABLE flyway_orders ADD COLUMN bom_marker int;
