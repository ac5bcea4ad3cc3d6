package dev.backfill.internal;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.backfill.Backfill;
import dev.backfill.jdbc.TableShape;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Estimates the work left from the planner, never by counting: keys after the checkpoint come from the key's
 * histogram (accurate, since backfills do not move keys), and the share still pending from the pending condition's
 * statistics, which go stale as the run changes rows; the run replaces it by the share it observes.
 */
final class RemainingWork {

	private static final Pattern ROWS = Pattern.compile("rows=(\\d+)");

	private final String keysAfter;

	private final String pendingAfter;

	private final String keysAll;

	private final String pendingAll;

	RemainingWork(Backfill backfill, TableShape shape) {
		String table = shape.table().sql();
		String key = shape.keySql();
		this.keysAll = "EXPLAIN SELECT 1 FROM " + table;
		this.pendingAll = "EXPLAIN SELECT 1 FROM " + table + " WHERE (" + backfill.pending() + ")";
		this.keysAfter = "EXPLAIN SELECT 1 FROM " + table + " WHERE " + key + " > :after";
		this.pendingAfter = "EXPLAIN SELECT 1 FROM " + table + " WHERE " + key + " > :after AND (" + backfill.pending()
				+ ")";
	}

	/** Estimated keys after a bound ({@code null}: the whole table). */
	long keysAfter(JdbcClient jdbc, @Nullable Object after) {
		return (after != null) ? rows(jdbc.sql(this.keysAfter).param("after", after)) : rows(jdbc.sql(this.keysAll));
	}

	/** Estimated pending rows after a bound ({@code null}: the whole table). */
	long pendingAfter(JdbcClient jdbc, @Nullable Object after) {
		return (after != null) ? rows(jdbc.sql(this.pendingAfter).param("after", after))
				: rows(jdbc.sql(this.pendingAll));
	}

	private static long rows(JdbcClient.StatementSpec explain) {
		List<String> plan = explain.query(String.class).list();
		Matcher matcher = ROWS.matcher(plan.isEmpty() ? "" : plan.get(0));
		return matcher.find() ? Long.parseLong(matcher.group(1)) : 0;
	}

}
