package dev.backfill.jdbc;

import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The library's own tables under their prefix ({@code BACKFILL_BATCH_LOG},
 * {@code BACKFILL_PAUSE} and {@code BACKFILL_DISCREPANCY} by default): whether they are
 * in place, and whether the session's role may create them, which a role that may only
 * read cannot.
 */
public final class BackfillTables {

	private static final String CREATOR = """
			SELECT current_user AS role, current_schema() AS schema, current_setting('search_path') AS path,
			       CAST(current_schema() IS NOT NULL AND has_schema_privilege(current_schema(), 'CREATE') AS text)
			           AS may_create""";

	private final JdbcBatchLog log;

	private final JdbcPauses pauses;

	private final JdbcDiscrepancies discrepancies;

	private final JdbcClient jdbc;

	/**
	 * Looks at the tables of a prefix.
	 * @param jdbc a client on the database that holds them (the job repository's)
	 * @param tablePrefix the table prefix, {@code BACKFILL_} by default
	 */
	public BackfillTables(JdbcClient jdbc, String tablePrefix) {
		this.jdbc = jdbc;
		this.log = new JdbcBatchLog(jdbc, tablePrefix);
		this.pauses = new JdbcPauses(jdbc, tablePrefix);
		this.discrepancies = new JdbcDiscrepancies(jdbc, tablePrefix);
	}

	/**
	 * @return the names of the tables that do not exist, in the order the schema creates
	 * them
	 */
	public List<String> missing() {
		List<String> missing = new ArrayList<>();
		if (!this.log.exists()) {
			missing.add(this.log.tableName());
		}
		if (!this.pauses.exists()) {
			missing.add(this.pauses.tableName());
		}
		if (!this.discrepancies.exists()) {
			missing.add(this.discrepancies.tableName());
		}
		return missing;
	}

	/**
	 * @return whether the batch log has every column this version writes: the failed
	 * attempts' (which logs made before 0.1.0 lack), {@code FROM_INCLUDED} and
	 * {@code PARTITION_NO} (before 0.2.0), {@code SCHEMA_NAME} (before 0.3.0)
	 */
	public boolean logIsCurrent() {
		return this.log.isCurrent();
	}

	/**
	 * @return whether every table exists as the schema makes it, so that applying the
	 * schema changes nothing
	 */
	public boolean inPlace() {
		return missing().isEmpty() && logIsCurrent();
	}

	/**
	 * Says why the session's role may not create tables where unqualified names go: in
	 * the first schema of its search path. Spring Batch's tables are created the same
	 * way.
	 * @return why not, such as
	 * {@code role oncall may not create tables (no CREATE on schema public)}, or
	 * {@code null} when it may
	 */
	public @Nullable String whyRoleMayNotCreate() {
		@Nullable String[] creator = this.jdbc.sql(CREATOR)
			.query((rs,
					i) -> new @Nullable String[] { rs.getString("role"), rs.getString("schema"), rs.getString("path"),
							rs.getString("may_create") })
			.single();
		if ("true".equals(creator[3])) {
			return null;
		}
		return "role " + creator[0] + " may not create tables (" + ((creator[1] != null)
				? "no CREATE on schema " + creator[1] : "no schema of its search_path " + creator[2] + " exists") + ")";
	}

	/**
	 * @return the batch log's table name
	 */
	public String log() {
		return this.log.tableName();
	}

	/**
	 * @return the discrepancies' table name
	 */
	public String discrepancies() {
		return this.discrepancies.tableName();
	}

}
