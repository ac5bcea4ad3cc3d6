package dev.backfill.engine;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.backfill.Backfill;
import dev.backfill.jdbc.TableKey;
import dev.backfill.jdbc.TableShape;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Estimates the work left from the planner, never by counting: the share of keys after
 * the checkpoint comes from the key's histogram (accurate, since backfills do not move
 * keys), applied to {@code pg_class.reltuples}. The planner's own row count is not used
 * as is: it scales reltuples by the table's current size in pages, which doubles when a
 * backfill's updates bloat the table. The share still pending comes from the run's recent
 * batches.
 */
final class RemainingWork {

	private static final Pattern ROWS = Pattern.compile("rows=(\\d+)");

	private final String pending;

	private final String key;

	private final String keysAll;

	private final String tuples;

	private final String table;

	RemainingWork(Backfill backfill, TableShape shape) {
		this(backfill.pending(), shape);
	}

	// a condition of the declaration's, never user input at run time
	RemainingWork(String pending, TableShape shape) {
		this.table = shape.table().sql();
		this.key = shape.keySql();
		this.pending = pending;
		this.tuples = "SELECT reltuples::bigint FROM pg_class WHERE oid = to_regclass(:table)";
		this.keysAll = "EXPLAIN SELECT 1 FROM " + this.table;
	}

	/**
	 * @return the condition of the rows still to change, {@code true} for a rollback's
	 */
	String pending() {
		return this.pending;
	}

	/** Estimated keys after a bound ({@code null}: the whole table). */
	long keysAfter(JdbcClient jdbc, @Nullable Object after) {
		return keysIn(jdbc, after, null);
	}

	/** Estimated pending rows after a bound ({@code null}: the whole table). */
	long pendingAfter(JdbcClient jdbc, @Nullable Object after) {
		return pendingIn(jdbc, after, null);
	}

	/**
	 * Estimated keys after a bound and up to another ({@code null}: from the smallest
	 * key, to the largest).
	 */
	long keysIn(JdbcClient jdbc, @Nullable Object after, @Nullable Object until) {
		return scaled(jdbc, (after != null || until != null) ? rows(explain(jdbc, after, until, null)) : -1);
	}

	/** Estimated pending rows after a bound and up to another. */
	long pendingIn(JdbcClient jdbc, @Nullable Object after, @Nullable Object until) {
		return scaled(jdbc, rows(explain(jdbc, after, until, this.pending)));
	}

	private JdbcClient.StatementSpec explain(JdbcClient jdbc, @Nullable Object after, @Nullable Object until,
			@Nullable String condition) {
		StringBuilder where = new StringBuilder(" WHERE true");
		if (after != null) {
			where.append(" AND ").append(this.key).append(" > :after");
		}
		if (until != null) {
			where.append(" AND ").append(this.key).append(" <= :until");
		}
		if (condition != null) {
			where.append(" AND (").append(condition).append(")");
		}
		JdbcClient.StatementSpec explain = jdbc.sql("EXPLAIN SELECT 1 FROM " + this.table + where);
		if (after != null) {
			explain = explain.param("after", TableKey.param(after));
		}
		return (until != null) ? explain.param("until", TableKey.param(until)) : explain;
	}

	// planner rows -> share of the planner's table size -> share of reltuples (when the
	// table was ever analyzed)
	private long scaled(JdbcClient jdbc, long plannerRows) {
		long all = rows(jdbc.sql(this.keysAll));
		long rows = (plannerRows < 0) ? all : plannerRows;
		long reltuples = jdbc.sql(this.tuples).param("table", this.table).query(Long.class).optional().orElse(-1L);
		return (reltuples > 0 && all > 0) ? Math.round((double) reltuples * rows / all) : rows;
	}

	private static long rows(JdbcClient.StatementSpec explain) {
		List<String> plan = explain.query(String.class).list();
		Matcher matcher = ROWS.matcher(plan.isEmpty() ? "" : plan.get(0));
		return matcher.find() ? Long.parseLong(matcher.group(1)) : 0;
	}

}
