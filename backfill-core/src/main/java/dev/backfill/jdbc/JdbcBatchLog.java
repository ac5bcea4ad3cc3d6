package dev.backfill.jdbc;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.List;
import java.util.Map;

import dev.backfill.Backfill;
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
			    MESSAGE, PARTITION_NO, SCHEMA_NAME)
			VALUES (:name, :job, :step, :batchNo, :fromKey, :fromIncluded, :toKey, :keys, :rows, :startedAt, :duration,
			    :attempt, :outcome, :sqlState, :message, :partition, :schema)""";

	private static final String FIND = """
			SELECT BACKFILL_NAME, JOB_EXECUTION_ID, STEP_EXECUTION_ID, BATCH_NO, FROM_KEY, FROM_INCLUDED, TO_KEY,
			       KEY_COUNT, ROWS_AFFECTED, STARTED_AT, DURATION_MS, ATTEMPT, PARTITION_NO
			FROM %sBATCH_LOG WHERE BACKFILL_NAME = :name AND OUTCOME = 'COMMITTED'
			ORDER BY JOB_EXECUTION_ID, PARTITION_NO, BATCH_NO""";

	private static final String RECENT = """
			SELECT * FROM (SELECT BACKFILL_NAME, JOB_EXECUTION_ID, STEP_EXECUTION_ID, BATCH_NO, FROM_KEY,
			       FROM_INCLUDED, TO_KEY, KEY_COUNT, ROWS_AFFECTED, STARTED_AT, DURATION_MS, ATTEMPT, PARTITION_NO
			    FROM %sBATCH_LOG WHERE BACKFILL_NAME = :name AND OUTCOME = 'COMMITTED'
			    ORDER BY STARTED_AT DESC, JOB_EXECUTION_ID DESC, BATCH_NO DESC LIMIT :limit) recent
			ORDER BY STARTED_AT, JOB_EXECUTION_ID, BATCH_NO""";

	private static final String FAILURES = """
			SELECT BACKFILL_NAME, JOB_EXECUTION_ID, STEP_EXECUTION_ID, BATCH_NO, ATTEMPT, FROM_KEY, FROM_INCLUDED,
			       TO_KEY, KEY_COUNT, OUTCOME, SQL_STATE, MESSAGE, STARTED_AT, DURATION_MS, PARTITION_NO
			FROM %sBATCH_LOG WHERE BACKFILL_NAME = :name AND OUTCOME <> 'COMMITTED'
			ORDER BY JOB_EXECUTION_ID, PARTITION_NO, BATCH_NO, ATTEMPT""";

	private static final String LAST = """
			SELECT BATCH_NO, TO_KEY, sum(ROWS_AFFECTED) OVER () AS ROWS_DONE, sum(KEY_COUNT) OVER () AS KEYS_DONE
			FROM %sBATCH_LOG WHERE JOB_EXECUTION_ID = ANY (:ids) AND PARTITION_NO = :partition AND OUTCOME = 'COMMITTED'
			ORDER BY BATCH_NO DESC LIMIT 1""";

	private static final String COUNT = """
			SELECT count(*) FROM %sBATCH_LOG WHERE JOB_EXECUTION_ID = :job AND OUTCOME = 'COMMITTED'""";

	private static final String AFTER = """
			SELECT BACKFILL_NAME, JOB_EXECUTION_ID, STEP_EXECUTION_ID, BATCH_NO, FROM_KEY, FROM_INCLUDED, TO_KEY,
			       KEY_COUNT, ROWS_AFFECTED, STARTED_AT, DURATION_MS, ATTEMPT, PARTITION_NO
			FROM %sBATCH_LOG b
			WHERE JOB_EXECUTION_ID = :job AND OUTCOME = 'COMMITTED'
			    AND BATCH_NO > coalesce((SELECT seen.batch_no FROM unnest(:partitions, :batchNos) AS seen(partition_no,
			        batch_no) WHERE seen.partition_no = b.PARTITION_NO), 0)
			ORDER BY STARTED_AT, PARTITION_NO, BATCH_NO""";

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
			.param("partition", record.partition())
			.param("schema", schemaOf(record.backfill()))
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
			.param("partition", attempt.partition())
			.param("schema", schemaOf(attempt.backfill()))
			.update();
	}

	// the schema of a walk of one schema, 'name@schema' (or its rollback's,
	// 'name@schema:rollback'); null for a backfill of one table
	private static @Nullable String schemaOf(String logName) {
		int at = logName.indexOf(Backfill.SCHEMA_SEPARATOR);
		if (at < 0) {
			return null;
		}
		int suffix = logName.indexOf(':', at);
		return logName.substring(at + 1, (suffix < 0) ? logName.length() : suffix);
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
				rs.getLong(11), rs.getInt(12), rs.getInt(13));
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
					rs.getTimestamp(13).toInstant(), rs.getLong(14), rs.getInt(15)))
			.list();
	}

	/**
	 * The checkpoint that the log of some job executions (the executions of one run)
	 * implies for one of its partitions.
	 * @param jobExecutionIds the executions
	 * @param partition the partition, from 1, or 0 for a walk in one step
	 * @return the checkpoint after its last logged batch, {@link Checkpoint#START} when
	 * none is logged
	 */
	public Checkpoint checkpoint(List<Long> jobExecutionIds, int partition) {
		return this.jdbc.sql(LAST.formatted(this.prefix))
			.param("ids", jobExecutionIds.toArray(Long[]::new))
			.param("partition", partition)
			.query((rs, i) -> new Checkpoint(rs.getString(2), rs.getLong(1), rs.getLong(3), rs.getLong(4)))
			.optional()
			.orElse(Checkpoint.START);
	}

	/**
	 * The key ranges that the batches a backfill committed after a job execution cover
	 * together, in the key column's order: batches that meet or overlap are merged, so
	 * that a run in one step gives one range (its batches follow each other with no gap,
	 * from the first key), and a run split into partitions that stopped gives one range
	 * per stretch of keys its partitions covered.
	 * @param backfill the backfill name
	 * @param afterJobExecutionId only batches of later job executions count
	 * @param key the table's key, to order keys stored as text
	 * @param collations for each key column, its collation as a quoted, qualified name
	 * ({@code "pg_catalog"."C"}) for a text column; {@code null} for none or the database
	 * default
	 * @return the ranges in key order, keys as text; empty when no batch was committed
	 * since
	 */
	public List<KeyRange> committedRanges(String backfill, long afterJobExecutionId, TableKey key,
			List<@Nullable String> collations) {
		// each stored key read back into the columns' own types and collations, then
		// ranked among all the bounds, so that the islands below compare numbers: a row
		// of values has no max(), nor has a uuid
		int n = key.columns().size();
		StringBuilder bounds = new StringBuilder();
		StringBuilder sides = new StringBuilder();
		StringBuilder order = new StringBuilder();
		for (int i = 0; i < n; i++) {
			String lower = key.composite() ? "(CAST(FROM_KEY AS jsonb) ->> " + i + ")" : "FROM_KEY";
			String upper = key.composite() ? "(CAST(TO_KEY AS jsonb) ->> " + i + ")" : "TO_KEY";
			bounds.append(", ").append(cast(lower, key.types().get(i), collations.get(i))).append(" AS lo").append(i);
			bounds.append(", ").append(cast(upper, key.types().get(i), collations.get(i))).append(" AS hi").append(i);
			sides.append((i > 0) ? ", " : "").append("lo").append(i);
			order.append((i > 0) ? ", " : "").append("k").append(i);
		}
		String lows = sides.toString();
		String highs = lows.replace("lo", "hi");
		String ks = order.toString();
		// gaps and islands: a batch opens a new range when it starts above every batch
		// before it; a walk's first range includes its lower bound, and sorts first
		String islandOrder = "lower_key, FROM_INCLUDED DESC, upper_key";
		String sql = "WITH batches AS (SELECT row_number() OVER () AS id, FROM_KEY, FROM_INCLUDED, TO_KEY" + bounds
				+ " FROM " + tableName() + " WHERE BACKFILL_NAME = :name AND OUTCOME = 'COMMITTED' "
				+ "AND JOB_EXECUTION_ID > :after), ranked AS (SELECT id, side, dense_rank() OVER (ORDER BY " + ks
				+ ") AS r FROM (SELECT id, 0 AS side, " + lows + " FROM batches UNION ALL SELECT id, 1, " + highs
				+ " FROM batches) AS bounds(id, side, " + ks + ")), keyed AS (SELECT b.FROM_KEY, b.FROM_INCLUDED, "
				+ "b.TO_KEY, lo.r AS lower_key, hi.r AS upper_key FROM batches b JOIN ranked lo ON lo.id = b.id AND "
				+ "lo.side = 0 JOIN ranked hi ON hi.id = b.id AND hi.side = 1) "
				+ "SELECT (array_agg(FROM_KEY ORDER BY " + islandOrder + "))[1], (array_agg(FROM_INCLUDED ORDER BY "
				+ islandOrder + "))[1], (array_agg(TO_KEY ORDER BY upper_key DESC))[1] FROM (SELECT *, count(*) FILTER "
				+ "(WHERE reached IS NULL OR lower_key > reached) OVER (ORDER BY " + islandOrder + ") AS island FROM "
				+ "(SELECT FROM_KEY, FROM_INCLUDED, TO_KEY, lower_key, upper_key, max(upper_key) OVER (ORDER BY "
				+ islandOrder + " ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS reached FROM keyed) reaches) "
				+ "islands GROUP BY island ORDER BY island";
		return this.jdbc.sql(sql)
			.param("name", backfill)
			.param("after", afterJobExecutionId)
			.query((rs, i) -> new KeyRange(rs.getString(1), rs.getString(3), rs.getBoolean(2)))
			.list();
	}

	/**
	 * @param jobExecutionId a job execution
	 * @return how many batches it committed, in every partition
	 */
	public long committedBatches(long jobExecutionId) {
		return this.jdbc.sql(COUNT.formatted(this.prefix)).param("job", jobExecutionId).query(Long.class).single();
	}

	/**
	 * The batches a job execution committed after those already seen, oldest first: what
	 * the process that hands a run's partitions to workers reports of them.
	 * @param jobExecutionId a job execution
	 * @param seen the latest batch number seen of each partition, by partition number;
	 * partitions not in it are read from their first batch
	 * @return the batches committed since
	 */
	public List<BatchRecord> committedAfter(long jobExecutionId, Map<Integer, Long> seen) {
		return this.jdbc.sql(AFTER.formatted(this.prefix))
			.param("job", jobExecutionId)
			.param("partitions", seen.keySet().toArray(Integer[]::new))
			.param("batchNos", seen.values().toArray(Long[]::new))
			.query(JdbcBatchLog::record)
			.list();
	}

	/**
	 * @return whether the log table exists
	 */
	public boolean exists() {
		return this.jdbc.sql(EXISTS).param("table", this.prefix + "BATCH_LOG").query(Boolean.class).single();
	}

	/**
	 * @return whether the log has every column this version writes: the failed attempts'
	 * (which logs made before 0.1.0 lack), {@code FROM_INCLUDED} and {@code PARTITION_NO}
	 * (before 0.2.0), {@code SCHEMA_NAME} (before 0.3.0)
	 */
	public boolean isCurrent() {
		return this.jdbc.sql("""
				SELECT count(*) = 4 FROM pg_attribute WHERE attrelid = to_regclass(:table)
				    AND attname IN ('attempt', 'from_included', 'partition_no', 'schema_name') AND NOT attisdropped""")
			.param("table", tableName())
			.query(Boolean.class)
			.single();
	}

	private static String cast(String text, KeyType type, @Nullable String collation) {
		return "CAST(" + text + " AS " + type.sqlType() + ")" + ((collation != null) ? " COLLATE " + collation : "");
	}

	/**
	 * @return the log's table name
	 */
	public String tableName() {
		return this.prefix + "BATCH_LOG";
	}

}
