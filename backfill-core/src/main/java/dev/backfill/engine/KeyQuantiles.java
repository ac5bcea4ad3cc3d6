package dev.backfill.engine;

import java.util.ArrayList;
import java.util.List;

import dev.backfill.jdbc.TableShape;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * About a hundred keys, in key order, that cut a table into buckets of about equal rows:
 * the key's histogram from the last {@code ANALYZE}; without one, percentiles of a sample
 * of a few hundred random pages; then, for a small table only, percentiles of the whole
 * table; else the smallest and largest key. Never a count of the table. The keys are the
 * planner's or a sample's: some may have been deleted since, and keys inserted since may
 * lie outside them.
 */
final class KeyQuantiles {

	/** Buckets wanted: the quantiles read are 0, 1/100, ..., 1. */
	static final int BUCKETS = 100;

	/** Pages a sample reads: enough for percentiles, few reads. */
	private static final int SAMPLE_PAGES = 300;

	/** Pages up to which percentiles of the whole table are cheap enough. */
	private static final int SMALL_TABLE_PAGES = 1_000;

	// the key's own column, through the table's oid (the search path resolves an
	// unqualified name); a partitioned table's statistics are the inherited ones
	private static final String HISTOGRAM = """
			SELECT s.histogram_bounds::text FROM pg_stats s
			  JOIN pg_class c ON c.relname = s.tablename
			  JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = s.schemaname
			WHERE c.oid = CAST(:table AS regclass) AND s.attname = :key AND s.histogram_bounds IS NOT NULL
			ORDER BY s.inherited DESC LIMIT 1""";

	// the array's text read back as an array of the key's type: values typed by the
	// server, in the histogram's order
	private static final String BOUNDS = """
			SELECT u.bound FROM unnest(CAST(:bounds AS %s[])) WITH ORDINALITY u(bound, i) ORDER BY u.i""";

	private static final String PERCENTILES = """
			SELECT u.bound FROM (
			  SELECT percentile_disc(ARRAY(SELECT g::float8 / :buckets FROM generate_series(0, :buckets) g))
			    WITHIN GROUP (ORDER BY %2$s) AS q FROM %1$s%3$s) p,
			  unnest(p.q) WITH ORDINALITY u(bound, i)
			ORDER BY u.i""";

	private static final String SAMPLE = " TABLESAMPLE SYSTEM (CAST(:percent AS real))";

	private static final String ENDS = """
			(SELECT %2$s FROM %1$s ORDER BY %2$s LIMIT 1)
			UNION ALL (SELECT %2$s FROM %1$s ORDER BY %2$s DESC LIMIT 1)""";

	private KeyQuantiles() {
	}

	/**
	 * Reads the keys that cut a table into buckets of about equal rows.
	 * @param jdbc a client on the target database
	 * @param shape the table and its key
	 * @return at most {@link #BUCKETS} + 1 distinct keys in key order; empty for an empty
	 * table
	 */
	static List<Object> read(JdbcClient jdbc, TableShape shape) {
		String table = shape.table().sql();
		List<Object> histogram = histogram(jdbc, shape);
		if (!histogram.isEmpty()) {
			return histogram;
		}
		long pages = TablePages.of(jdbc, table);
		List<Object> sampled;
		if (pages <= SMALL_TABLE_PAGES) {
			// every key: exact, and the same plan each time, where a sample of a few
			// hundred pages of such a table cut partitions a third apart
			sampled = keys(jdbc.sql(PERCENTILES.formatted(table, shape.keySql(), "")).param("buckets", BUCKETS), shape);
		}
		else {
			double percent = Math.min(100, Math.max(0.0001, 100.0 * SAMPLE_PAGES / Math.max(1, pages)));
			sampled = keys(jdbc.sql(PERCENTILES.formatted(table, shape.keySql(), SAMPLE))
				.param("buckets", BUCKETS)
				.param("percent", percent), shape);
		}
		return sampled.isEmpty() ? keys(jdbc.sql(ENDS.formatted(table, shape.keySql())), shape) : sampled;
	}

	private static List<Object> histogram(JdbcClient jdbc, TableShape shape) {
		List<String> text = jdbc.sql(HISTOGRAM)
			.param("table", shape.table().sql())
			.param("key", shape.key())
			.query(String.class)
			.list();
		if (text.isEmpty()) {
			return List.of();
		}
		// a statistics target above 100 gives more bounds than buckets worth probing:
		// every m-th of them keeps the buckets' equal rows
		List<Object> bounds = keys(jdbc.sql(BOUNDS.formatted(shape.keyType().sqlType())).param("bounds", text.get(0)),
				shape);
		if (bounds.size() <= BUCKETS + 1) {
			return bounds;
		}
		List<Object> every = new ArrayList<>(BUCKETS + 1);
		for (int i = 0; i <= BUCKETS; i++) {
			every.add(bounds.get((int) Math.round((double) i * (bounds.size() - 1) / BUCKETS)));
		}
		return every;
	}

	// percentiles of a small sample repeat keys; the order is the query's, never
	// re-sorted here, so text keys stay in the column's collation
	private static List<Object> keys(JdbcClient.StatementSpec query, TableShape shape) {
		List<Object> keys = new ArrayList<>();
		query.query((rs, i) -> rs.getObject(1)).list().forEach((value) -> {
			Object key = (value != null) ? shape.keyType().fromJdbc(value) : null;
			if (key != null && (keys.isEmpty() || !keys.get(keys.size() - 1).equals(key))) {
				keys.add(key);
			}
		});
		return keys;
	}

}
