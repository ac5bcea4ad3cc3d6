package dev.backfill.jdbc;

import java.sql.Timestamp;
import java.util.List;

import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The batch-boundary log in table {@code BACKFILL_BATCH_LOG}: one row per committed batch, written in the batch's own
 * transaction.
 *
 * @since 0.1.0
 */
public class JdbcBatchLog {

	private static final String INSERT = """
			INSERT INTO %sBATCH_LOG (BACKFILL_NAME, JOB_EXECUTION_ID, STEP_EXECUTION_ID, BATCH_NO, FROM_KEY, TO_KEY,
			    KEY_COUNT, ROWS_AFFECTED, STARTED_AT, DURATION_MS)
			VALUES (:name, :job, :step, :batchNo, :fromKey, :toKey, :keys, :rows, :startedAt, :duration)""";

	private static final String FIND = """
			SELECT BACKFILL_NAME, JOB_EXECUTION_ID, STEP_EXECUTION_ID, BATCH_NO, FROM_KEY, TO_KEY, KEY_COUNT,
			       ROWS_AFFECTED, STARTED_AT, DURATION_MS
			FROM %sBATCH_LOG WHERE BACKFILL_NAME = :name ORDER BY JOB_EXECUTION_ID, BATCH_NO""";

	private static final String LAST = """
			SELECT BATCH_NO, TO_KEY, sum(ROWS_AFFECTED) OVER () AS ROWS_DONE, sum(KEY_COUNT) OVER () AS KEYS_DONE
			FROM %sBATCH_LOG WHERE JOB_EXECUTION_ID = ANY (:ids) ORDER BY BATCH_NO DESC LIMIT 1""";

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
			.param("toKey", record.toKey())
			.param("keys", record.keys())
			.param("rows", record.rowsAffected())
			.param("startedAt", Timestamp.from(record.startedAt()))
			.param("duration", record.durationMs())
			.update();
	}

	/**
	 * Every logged batch of a backfill, oldest first.
	 * @param backfill the backfill name
	 * @return the batches
	 */
	public List<BatchRecord> find(String backfill) {
		return this.jdbc.sql(FIND.formatted(this.prefix)).param("name", backfill).query((rs, i) -> new BatchRecord(
				rs.getString(1), rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getString(5), rs.getString(6),
				rs.getLong(7), rs.getLong(8), rs.getTimestamp(9).toInstant(), rs.getLong(10))).list();
	}

	/**
	 * The checkpoint that the log of some job executions (the executions of one run) implies.
	 * @param jobExecutionIds the executions
	 * @return the checkpoint after their last logged batch, {@link Checkpoint#START} when none is logged
	 */
	public Checkpoint checkpoint(List<Long> jobExecutionIds) {
		return this.jdbc.sql(LAST.formatted(this.prefix)).param("ids", jobExecutionIds.toArray(Long[]::new))
			.query((rs, i) -> new Checkpoint(rs.getString(2), rs.getLong(1), rs.getLong(3), rs.getLong(4)))
			.optional()
			.orElse(Checkpoint.START);
	}

	/** @return whether the log table exists */
	public boolean exists() {
		return this.jdbc.sql(EXISTS).param("table", this.prefix + "BATCH_LOG").query(Boolean.class).single();
	}

	/** @return the log's table name */
	public String tableName() {
		return this.prefix + "BATCH_LOG";
	}

}
