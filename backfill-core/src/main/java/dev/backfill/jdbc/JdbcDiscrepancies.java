package dev.backfill.jdbc;

import java.util.List;

import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The discrepancies verify found, in table {@code BACKFILL_DISCREPANCY}: one row per key,
 * with what is wrong, under the verify's job execution. Written in the verify batch's
 * transaction, with its checkpoint.
 */
public class JdbcDiscrepancies {

	private static final String INSERT = """
			INSERT INTO %sDISCREPANCY (BACKFILL_NAME, JOB_EXECUTION_ID, KEY_VALUE, DETAIL)
			VALUES (:name, :job, :key, :detail)""";

	private static final String FIRST = """
			SELECT KEY_VALUE FROM %sDISCREPANCY WHERE JOB_EXECUTION_ID = ANY (:jobs) ORDER BY DISCREPANCY_ID
			LIMIT :limit""";

	private static final String FOUND = """
			SELECT KEY_VALUE, DETAIL FROM %sDISCREPANCY WHERE JOB_EXECUTION_ID = ANY (:jobs) ORDER BY DISCREPANCY_ID""";

	private final JdbcClient jdbc;

	private final String prefix;

	/**
	 * Creates the table's access.
	 * @param jdbc a client on the database that holds the table (the job repository's)
	 * @param tablePrefix the table prefix, {@code BACKFILL_} by default
	 */
	public JdbcDiscrepancies(JdbcClient jdbc, String tablePrefix) {
		this.jdbc = jdbc;
		this.prefix = SqlIdentifier.checkPrefix(tablePrefix);
	}

	/**
	 * The head of an {@code INSERT ... SELECT} into the table: the select must return the
	 * backfill name, the job execution, the key as text and the detail, in that order.
	 * @return {@code INSERT INTO BACKFILL_DISCREPANCY (...)} and a space
	 */
	public String insertInto() {
		return "INSERT INTO " + this.prefix + "DISCREPANCY (BACKFILL_NAME, JOB_EXECUTION_ID, KEY_VALUE, DETAIL) ";
	}

	/**
	 * Logs one discrepancy; joins the caller's transaction.
	 * @param backfill the backfill name
	 * @param jobExecutionId the verify's job execution
	 * @param key the key, as text
	 * @param detail what is wrong
	 */
	public void append(String backfill, long jobExecutionId, String key, String detail) {
		this.jdbc.sql(INSERT.formatted(this.prefix))
			.param("name", backfill)
			.param("job", jobExecutionId)
			.param("key", key)
			.param("detail", detail)
			.update();
	}

	/**
	 * @param jobExecutionIds the job executions of one verify (a resumed verify has
	 * several)
	 * @param limit most keys to return
	 * @return the first keys it logged, in the order found: batch by batch, in key order
	 * within a batch
	 */
	public List<String> firstKeys(List<Long> jobExecutionIds, int limit) {
		return this.jdbc.sql(FIRST.formatted(this.prefix))
			.param("jobs", jobExecutionIds.toArray(Long[]::new))
			.param("limit", limit)
			.query(String.class)
			.list();
	}

	/**
	 * @param jobExecutionIds the job executions of one verify (a resumed verify has
	 * several)
	 * @return every discrepancy it logged, as key and detail, in the order found
	 */
	public List<List<String>> found(List<Long> jobExecutionIds) {
		return this.jdbc.sql(FOUND.formatted(this.prefix))
			.param("jobs", jobExecutionIds.toArray(Long[]::new))
			.query((rs, i) -> List.of(rs.getString(1), rs.getString(2)))
			.list();
	}

	/**
	 * @return whether the table exists
	 */
	public boolean exists() {
		return this.jdbc.sql("SELECT to_regclass(:table) IS NOT NULL")
			.param("table", tableName())
			.query(Boolean.class)
			.single();
	}

	/**
	 * @return the table's name
	 */
	public String tableName() {
		return this.prefix + "DISCREPANCY";
	}

}
