package dev.backfill.engine;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.backfill.Backfill;
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

	private final String keysAfter;

	private final String pendingAfter;

	private final String keysAll;

	private final String pendingAll;

	private final String tuples;

	private final String table;

	RemainingWork(Backfill backfill, TableShape shape) {
		this(backfill.pending(), shape);
	}

	// a condition of the declaration's, never user input at run time
	RemainingWork(String pending, TableShape shape) {
		String table = shape.table().sql();
		String key = shape.keySql();
		this.table = table;
		this.tuples = "SELECT reltuples::bigint FROM pg_class WHERE oid = to_regclass(:table)";
		this.keysAll = "EXPLAIN SELECT 1 FROM " + table;
		this.pendingAll = "EXPLAIN SELECT 1 FROM " + table + " WHERE (" + pending + ")";
		this.keysAfter = "EXPLAIN SELECT 1 FROM " + table + " WHERE " + key + " > :after";
		this.pendingAfter = "EXPLAIN SELECT 1 FROM " + table + " WHERE " + key + " > :after AND (" + pending + ")";
	}

	/** Estimated keys after a bound ({@code null}: the whole table). */
	long keysAfter(JdbcClient jdbc, @Nullable Object after) {
		return scaled(jdbc, (after != null) ? rows(jdbc.sql(this.keysAfter).param("after", after)) : -1);
	}

	/** Estimated pending rows after a bound ({@code null}: the whole table). */
	long pendingAfter(JdbcClient jdbc, @Nullable Object after) {
		return scaled(jdbc, (after != null) ? rows(jdbc.sql(this.pendingAfter).param("after", after))
				: rows(jdbc.sql(this.pendingAll)));
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
