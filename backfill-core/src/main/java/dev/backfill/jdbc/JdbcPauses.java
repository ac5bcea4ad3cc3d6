package dev.backfill.jdbc;

import java.time.Instant;
import java.util.Optional;

import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The pause flags in {@code BACKFILL_PAUSE}: any process sets or clears one, and the
 * running process reads it before every batch.
 */
public class JdbcPauses {

	private static final String PAUSE = """
			INSERT INTO %sPAUSE (BACKFILL_NAME, PAUSED_AT, PAUSED_BY) VALUES (:name, now(), :by)
			ON CONFLICT (BACKFILL_NAME) DO NOTHING""";

	private static final String RESUME = "DELETE FROM %sPAUSE WHERE BACKFILL_NAME = :name";

	private static final String FIND = "SELECT PAUSED_AT, PAUSED_BY FROM %sPAUSE WHERE BACKFILL_NAME = :name";

	// the left join answers once whether or not the backfill is paused
	private static final String LOOK = """
			SELECT pg_snapshot_xmax(pg_current_snapshot())::text::bigint, p.PAUSED_AT, p.PAUSED_BY
			FROM (VALUES (1)) one LEFT JOIN %sPAUSE p ON p.BACKFILL_NAME = :name""";

	private static final String EXISTS = "SELECT to_regclass(:table) IS NOT NULL";

	private final JdbcClient jdbc;

	private final String prefix;

	/**
	 * Creates the flags.
	 * @param jdbc a client on the database that holds them (the job repository's)
	 * @param tablePrefix the table prefix, {@code BACKFILL_} by default
	 */
	public JdbcPauses(JdbcClient jdbc, String tablePrefix) {
		this.jdbc = jdbc;
		this.prefix = SqlIdentifier.checkPrefix(tablePrefix);
	}

	/**
	 * Pauses a backfill; a second pause keeps the first one's time and author.
	 * @param backfill the backfill name
	 * @param by who pauses it, such as a host and pid
	 */
	public void pause(String backfill, String by) {
		this.jdbc.sql(PAUSE.formatted(this.prefix)).param("name", backfill).param("by", by).update();
	}

	/**
	 * Lets a paused backfill go on.
	 * @param backfill the backfill name
	 * @return whether it was paused
	 */
	public boolean resume(String backfill) {
		return this.jdbc.sql(RESUME.formatted(this.prefix)).param("name", backfill).update() > 0;
	}

	/**
	 * @param backfill the backfill name
	 * @return its pause, or empty when it is not paused
	 */
	public Optional<Pause> find(String backfill) {
		return this.jdbc.sql(FIND.formatted(this.prefix))
			.param("name", backfill)
			.query((rs, i) -> new Pause(rs.getTimestamp(1).toInstant(), rs.getString(2)))
			.optional();
	}

	/**
	 * What a run looks at before each batch, in one round trip: its pause, and the
	 * {@code xmax} of the database's snapshot, from which the engine measures the
	 * application's writes.
	 * @param backfill the backfill name
	 * @return the look
	 */
	public Look look(String backfill) {
		return this.jdbc.sql(LOOK.formatted(this.prefix))
			.param("name", backfill)
			.query((rs, i) -> new Look(rs.getLong(1),
					(rs.getTimestamp(2) != null) ? new Pause(rs.getTimestamp(2).toInstant(), rs.getString(3)) : null))
			.single();
	}

	/**
	 * @return whether the table exists
	 */
	public boolean exists() {
		return this.jdbc.sql(EXISTS).param("table", tableName()).query(Boolean.class).single();
	}

	/**
	 * @return the table's name
	 */
	public String tableName() {
		return this.prefix + "PAUSE";
	}

	/**
	 * A pause.
	 *
	 * @param since when it was set
	 * @param by who set it
	 */
	public record Pause(Instant since, String by) {
	}

	/**
	 * What a run saw before a batch.
	 *
	 * @param xmax the {@code xmax} of the database's snapshot: the next transaction id
	 * @param pause the backfill's pause, or {@code null} when it is not paused
	 */
	public record Look(long xmax, @Nullable Pause pause) {
	}

}
