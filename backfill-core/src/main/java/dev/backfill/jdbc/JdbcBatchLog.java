package dev.backfill.jdbc;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.List;
import java.util.Optional;

import dev.backfill.KeyRange;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The batch-boundary log in table {@code BACKFILL_BATCH_LOG}: one row per committed
 * batch, written in the batch's own transaction, and one per failed attempt at a batch,
 * written on its own so that it outlives the failure.
 */
public class JdbcBatchLog {

	private static final String INSERT = """
			INSERT INTO %sBATCH_LOG (BACKFILL_NAME, JOB_EXECUTION_ID, STEP_EXECUTION_ID, BATCH_NO, FROM_KEY,
			    FROM_INCLUDED, TO_KEY, KEY_COUNT, ROWS_AFFECTED, STARTED_AT, DURATION_MS, ATTEMPT, OUTCOME, SQL_STATE,
			    MESSAGE)
			VALUES (:name, :job, :step, :batchNo, :fromKey, :fromIncluded, :toKey, :keys, :rows, :startedAt, :duration,
			    :attempt, :outcome, :sqlState, :message)""";

	private static final String FIND = """
			SELECT BACKFILL_NAME, JOB_EXECUTION_ID, STEP_EXECUTION_ID, BATCH_NO, FROM_KEY, FROM_INCLUDED, TO_KEY,
			       KEY_COUNT, ROWS_AFFECTED, STARTED_AT, DURATION_MS, ATTEMPT
			FROM %sBATCH_LOG WHERE BACKFILL_NAME = :name AND OUTCOME = 'COMMITTED'
			ORDER BY JOB_EXECUTION_ID, BATCH_NO""";

	private static final String RECENT = """
			SELECT * FROM (SELECT BACKFILL_NAME, JOB_EXECUTION_ID, STEP_EXECUTION_ID, BATCH_NO, FROM_KEY,
			       FROM_INCLUDED, TO_KEY, KEY_COUNT, ROWS_AFFECTED, STARTED_AT, DURATION_MS, ATTEMPT
			    FROM %sBATCH_LOG WHERE BACKFILL_NAME = :name AND OUTCOME = 'COMMITTED'
			    ORDER BY JOB_EXECUTION_ID DESC, BATCH_NO DESC LIMIT :limit) recent
			ORDER BY JOB_EXECUTION_ID, BATCH_NO""";

	private static final String FAILURES = """
			SELECT BACKFILL_NAME, JOB_EXECUTION_ID, STEP_EXECUTION_ID, BATCH_NO, ATTEMPT, FROM_KEY, FROM_INCLUDED,
			       TO_KEY, KEY_COUNT, OUTCOME, SQL_STATE, MESSAGE, STARTED_AT, DURATION_MS
			FROM %sBATCH_LOG WHERE BACKFILL_NAME = :name AND OUTCOME <> 'COMMITTED'
			ORDER BY JOB_EXECUTION_ID, BATCH_NO, ATTEMPT""";

	private static final String LAST = """
			SELECT BATCH_NO, TO_KEY, sum(ROWS_AFFECTED) OVER () AS ROWS_DONE, sum(KEY_COUNT) OVER () AS KEYS_DONE
			FROM %sBATCH_LOG WHERE JOB_EXECUTION_ID = ANY (:ids) AND OUTCOME = 'COMMITTED'
			ORDER BY BATCH_NO DESC LIMIT 1""";

	private static final String EXISTS = "SELECT to_regclass(:table) IS NOT NULL";

	private final JdbcClient jdbc;

	private final String prefix;

	/**
	 * Creates the log.
	 * @param jdbc a client on the database that holds the log (the job repository's)
	 * @param tablePrefix the table prefix, {@code BACKFILL_} by default
	 */
	public JdbcBatchLog(JdbcClient jdbc, String tablePrefix) {
		this.jdbc = jdbc;
		this.prefix = SqlIdentifier.checkPrefix(tablePrefix);
	}

	/**
	 * Appends a batch; joins the caller's transaction.
	 * @param record the batch
	 */
	public void append(BatchRecord record) {
		this.jdbc.sql(INSERT.formatted(this.prefix))
			.param("name", record.backfill())
			.param("job", record.jobExecutionId())
			.param("step", record.stepExecutionId())
			.param("batchNo", record.batchNo())
			.param("fromKey", record.fromKey())
			.param("fromIncluded", record.fromIncluded())
			.param("toKey", record.toKey())
			.param("keys", record.keys())
			.param("rows", record.rowsAffected())
			.param("startedAt", Timestamp.from(record.startedAt()))
			.param("duration", record.durationMs())
			.param("attempt", record.attempt())
			.param("outcome", "COMMITTED")
			.param("sqlState", null)
			.param("message", null)
			.update();
	}

	/**
	 * Appends a failed attempt; call it outside the batch's transaction, which rolls
	 * back.
	 * @param attempt the attempt
	 */
	public void append(FailedAttempt attempt) {
		this.jdbc.sql(INSERT.formatted(this.prefix))
			.param("name", attempt.backfill())
			.param("job", attempt.jobExecutionId())
			.param("step", attempt.stepExecutionId())
			.param("batchNo", attempt.batchNo())
			.param("fromKey", attempt.fromKey())
			.param("fromIncluded", attempt.fromIncluded())
			.param("toKey", attempt.toKey())
			.param("keys", attempt.keys())
			.param("rows", 0L)
			.param("startedAt", Timestamp.from(attempt.startedAt()))
			.param("duration", attempt.durationMs())
			.param("attempt", attempt.attempt())
			.param("outcome", attempt.retried() ? "RETRIED" : "FAILED")
			.param("sqlState", attempt.sqlState())
			.param("message", attempt.message())
			.update();
	}

	/**
	 * Every logged batch of a backfill, oldest first.
	 * @param backfill the backfill name
	 * @return the batches
	 */
	public List<BatchRecord> find(String backfill) {
		return this.jdbc.sql(FIND.formatted(this.prefix)).param("name", backfill).query(JdbcBatchLog::record).list();
	}

	private static BatchRecord record(ResultSet rs, int row) throws SQLException {
		return new BatchRecord(rs.getString(1), rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getString(5),
				rs.getBoolean(6), rs.getString(7), rs.getLong(8), rs.getLong(9), rs.getTimestamp(10).toInstant(),
				rs.getLong(11), rs.getInt(12));
	}

	/**
	 * The latest committed batches of a backfill, oldest first.
	 * @param backfill the backfill name
	 * @param limit most batches to return
	 * @return the batches
	 */
	public List<BatchRecord> recent(String backfill, int limit) {
		return this.jdbc.sql(RECENT.formatted(this.prefix))
			.param("name", backfill)
			.param("limit", limit)
			.query(JdbcBatchLog::record)
			.list();
	}

	/**
	 * Every failed attempt at a batch of a backfill, oldest first.
	 * @param backfill the backfill name
	 * @return the attempts
	 */
	public List<FailedAttempt> failures(String backfill) {
		return this.jdbc.sql(FAILURES.formatted(this.prefix))
			.param("name", backfill)
			.query((rs, i) -> new FailedAttempt(rs.getString(1), rs.getLong(2), rs.getLong(3), rs.getLong(4),
					rs.getInt(5), rs.getString(6), rs.getBoolean(7), rs.getString(8), rs.getLong(9),
					rs.getString(10).equals("RETRIED"), rs.getString(11), rs.getString(12),
					rs.getTimestamp(13).toInstant(), rs.getLong(14)))
			.list();
	}

	/**
	 * The checkpoint that the log of some job executions (the executions of one run)
	 * implies.
	 * @param jobExecutionIds the executions
	 * @return the checkpoint after their last logged batch, {@link Checkpoint#START} when
	 * none is logged
	 */
	public Checkpoint checkpoint(List<Long> jobExecutionIds) {
		return this.jdbc.sql(LAST.formatted(this.prefix))
			.param("ids", jobExecutionIds.toArray(Long[]::new))
			.query((rs, i) -> new Checkpoint(rs.getString(2), rs.getLong(1), rs.getLong(3), rs.getLong(4)))
			.optional()
			.orElse(Checkpoint.START);
	}

	/**
	 * The key range that the batches a backfill committed after a job execution cover
	 * together, in the key column's order: from the smallest exclusive lower bound to the
	 * largest inclusive upper bound. Each run's batches follow each other with no gap,
	 * and every run starts at the first key, so this is their union.
	 * @param backfill the backfill name
	 * @param afterJobExecutionId only batches of later job executions count
	 * @param keyType the key's type, to order keys stored as text
	 * @param collation for a text key, the column's collation as a quoted, qualified name
	 * ({@code "pg_catalog"."C"}); {@code null} for the database default
	 * @return the range, keys as text; empty when no batch was committed since
	 */
	public Optional<KeyRange> committedRange(String backfill, long afterJobExecutionId, KeyType keyType,
			@Nullable String collation) {
		String collate = (collation != null) ? " COLLATE " + collation : "";
		String batches = " FROM " + tableName() + " WHERE BACKFILL_NAME = :name AND OUTCOME = 'COMMITTED' "
				+ "AND JOB_EXECUTION_ID > :after ORDER BY ";
		// a walk's first range includes its lower bound: of two batches from one key, the
		// one that includes it
		String sql = "SELECT lower.FROM_KEY, lower.FROM_INCLUDED, (SELECT TO_KEY" + batches + "CAST(TO_KEY AS "
				+ keyType.sqlType() + ")" + collate + " DESC LIMIT 1) FROM (SELECT FROM_KEY, FROM_INCLUDED" + batches
				+ "CAST(FROM_KEY AS " + keyType.sqlType() + ")" + collate + ", FROM_INCLUDED DESC LIMIT 1) lower";
		return this.jdbc.sql(sql)
			.param("name", backfill)
			.param("after", afterJobExecutionId)
			.query((rs, i) -> new KeyRange(rs.getString(1), rs.getString(3), rs.getBoolean(2)))
			.optional();
	}

	/**
	 * @return whether the log table exists
	 */
	public boolean exists() {
		return this.jdbc.sql(EXISTS).param("table", this.prefix + "BATCH_LOG").query(Boolean.class).single();
	}

	/**
	 * @return whether the log has every column this version writes: the failed attempts'
	 * (which logs made before 0.1.0 lack) and {@code FROM_INCLUDED} (before 0.2.0)
	 */
	public boolean isCurrent() {
		return this.jdbc.sql("""
				SELECT count(*) = 2 FROM pg_attribute WHERE attrelid = to_regclass(:table)
				    AND attname IN ('attempt', 'from_included') AND NOT attisdropped""")
			.param("table", tableName())
			.query(Boolean.class)
			.single();
	}

	/**
	 * @return the log's table name
	 */
	public String tableName() {
		return this.prefix + "BATCH_LOG";
	}

}
