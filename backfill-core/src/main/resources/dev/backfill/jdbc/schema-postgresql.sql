-- Batch-boundary log of the backfill library: one row per committed batch, written in the batch's transaction, and
-- one per failed attempt at a batch (OUTCOME RETRIED or FAILED, with its SQLSTATE and message), written on its own.
-- FROM_KEY is exclusive, but for the first range of a walk (FROM_INCLUDED), which starts at the smallest key.
-- PARTITION_NO is 0 for a walk in one step, else the partition (from 1) of a run split into partitions; batches are
-- numbered per partition.
-- Unquoted identifiers, like Spring Batch's BATCH_* tables. Safe to run again. Holds a DO block: run it as one
-- statement (psql -f, or Spring's ScriptUtils.EOF_STATEMENT_SEPARATOR), not split at each semicolon.
CREATE TABLE IF NOT EXISTS BACKFILL_BATCH_LOG (
	BACKFILL_NAME VARCHAR(100) NOT NULL,
	JOB_EXECUTION_ID BIGINT NOT NULL,
	STEP_EXECUTION_ID BIGINT NOT NULL,
	BATCH_NO BIGINT NOT NULL,
	FROM_KEY TEXT,
	FROM_INCLUDED BOOLEAN NOT NULL DEFAULT false,
	TO_KEY TEXT,
	KEY_COUNT BIGINT NOT NULL,
	ROWS_AFFECTED BIGINT NOT NULL,
	STARTED_AT TIMESTAMP WITH TIME ZONE NOT NULL,
	DURATION_MS BIGINT NOT NULL,
	ATTEMPT INT NOT NULL DEFAULT 1,
	OUTCOME VARCHAR(10) NOT NULL DEFAULT 'COMMITTED',
	SQL_STATE VARCHAR(5),
	MESSAGE TEXT,
	PARTITION_NO INT NOT NULL DEFAULT 0,
	SCHEMA_NAME VARCHAR(63),
	constraint BACKFILL_BATCH_LOG_PK primary key (JOB_EXECUTION_ID, PARTITION_NO, BATCH_NO, ATTEMPT)
);

-- a log created before failed attempts were logged gets their columns, once
DO $$
BEGIN
	IF NOT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass('BACKFILL_BATCH_LOG')
			AND attname = 'attempt' AND NOT attisdropped) THEN
		ALTER TABLE BACKFILL_BATCH_LOG
			ADD COLUMN ATTEMPT INT NOT NULL DEFAULT 1,
			ADD COLUMN OUTCOME VARCHAR(10) NOT NULL DEFAULT 'COMMITTED',
			ADD COLUMN SQL_STATE VARCHAR(5),
			ADD COLUMN MESSAGE TEXT,
			DROP CONSTRAINT BACKFILL_BATCH_LOG_PK,
			ADD CONSTRAINT BACKFILL_BATCH_LOG_PK PRIMARY KEY (JOB_EXECUTION_ID, BATCH_NO, ATTEMPT);
	END IF;
	-- 0.2.0: a walk's first range starts at its smallest key (FROM_INCLUDED), and a failed probe for it has no keys
	IF NOT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass('BACKFILL_BATCH_LOG')
			AND attname = 'from_included' AND NOT attisdropped) THEN
		ALTER TABLE BACKFILL_BATCH_LOG
			ADD COLUMN FROM_INCLUDED BOOLEAN NOT NULL DEFAULT false,
			ALTER COLUMN FROM_KEY DROP NOT NULL,
			ALTER COLUMN TO_KEY DROP NOT NULL;
	END IF;
	-- 0.2.0: a run split into partitions numbers its batches per partition
	IF NOT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass('BACKFILL_BATCH_LOG')
			AND attname = 'partition_no' AND NOT attisdropped) THEN
		ALTER TABLE BACKFILL_BATCH_LOG
			ADD COLUMN PARTITION_NO INT NOT NULL DEFAULT 0,
			DROP CONSTRAINT BACKFILL_BATCH_LOG_PK,
			ADD CONSTRAINT BACKFILL_BATCH_LOG_PK PRIMARY KEY (JOB_EXECUTION_ID, PARTITION_NO, BATCH_NO, ATTEMPT);
	END IF;
	-- 0.3.0: the walk of one schema of a declaration over schemas ('name@schema') logs its schema
	IF NOT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass('BACKFILL_BATCH_LOG')
			AND attname = 'schema_name' AND NOT attisdropped) THEN
		ALTER TABLE BACKFILL_BATCH_LOG ADD COLUMN SCHEMA_NAME VARCHAR(63);
	END IF;
END $$;

CREATE INDEX IF NOT EXISTS BACKFILL_BATCH_LOG_NAME_IX ON BACKFILL_BATCH_LOG (BACKFILL_NAME, JOB_EXECUTION_ID, BATCH_NO);

-- Backfills paused by 'backfill pause NAME': a running backfill holds before its next batch while its row is here.
CREATE TABLE IF NOT EXISTS BACKFILL_PAUSE (
	BACKFILL_NAME VARCHAR(100) NOT NULL,
	PAUSED_AT TIMESTAMP WITH TIME ZONE NOT NULL,
	PAUSED_BY TEXT NOT NULL,
	constraint BACKFILL_PAUSE_PK primary key (BACKFILL_NAME)
);

-- What 'backfill verify NAME' found wrong: one row per key still pending or failing the backfill's check, under the
-- verify's job execution.
CREATE TABLE IF NOT EXISTS BACKFILL_DISCREPANCY (
	DISCREPANCY_ID BIGSERIAL NOT NULL,
	BACKFILL_NAME VARCHAR(100) NOT NULL,
	JOB_EXECUTION_ID BIGINT NOT NULL,
	KEY_VALUE TEXT NOT NULL,
	DETAIL TEXT NOT NULL,
	FOUND_AT TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
	constraint BACKFILL_DISCREPANCY_PK primary key (DISCREPANCY_ID)
);

CREATE INDEX IF NOT EXISTS BACKFILL_DISCREPANCY_RUN_IX ON BACKFILL_DISCREPANCY (JOB_EXECUTION_ID, DISCREPANCY_ID);
