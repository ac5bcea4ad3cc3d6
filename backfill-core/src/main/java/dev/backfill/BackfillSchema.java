package dev.backfill;

import javax.sql.DataSource;

import dev.backfill.jdbc.BackfillTables;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The library's tables in a database ({@code BACKFILL_BATCH_LOG}, {@code BACKFILL_PAUSE}
 * and {@code BACKFILL_DISCREPANCY} under the default prefix), as a schema initializer
 * needs to see them: whether applying {@link #LOCATION} would change anything, and why
 * the session's role may not create them.
 *
 * @since 0.1.0
 */
public final class BackfillSchema {

	/**
	 * The DDL of the tables on PostgreSQL, on the classpath; it uses the default prefix.
	 */
	public static final String LOCATION = "classpath:dev/backfill/jdbc/schema-postgresql.sql";

	private final BackfillTables tables;

	/**
	 * Looks at the tables of a prefix.
	 * @param dataSource the database that holds them (the job repository's)
	 * @param tablePrefix the table prefix, {@link BackfillSettings#DEFAULT_TABLE_PREFIX}
	 * by default
	 */
	public BackfillSchema(DataSource dataSource, String tablePrefix) {
		this.tables = new BackfillTables(JdbcClient.create(dataSource), tablePrefix);
	}

	/**
	 * @return whether every table exists with every column this version writes, so that
	 * applying the schema changes nothing
	 */
	public boolean inPlace() {
		return this.tables.inPlace();
	}

	/**
	 * Says why the session's role may not create tables where unqualified names go: in
	 * the first schema of its search path.
	 * @return why not, such as
	 * {@code role oncall may not create tables (no CREATE on schema public)}, or
	 * {@code null} when it may
	 */
	public @Nullable String whyRoleMayNotCreate() {
		return this.tables.whyRoleMayNotCreate();
	}

}
