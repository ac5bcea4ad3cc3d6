package dev.backfill.engine;

import java.sql.ResultSet;
import java.sql.SQLException;
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

	// a composite key's values have no percentile_disc() to read back: the rows whose
	// position in key order crosses a multiple of 1/buckets
	private static final String POSITIONS = """
			SELECT %2$s FROM (
			  SELECT %2$s, row_number() OVER (ORDER BY %3$s) - 1 AS backfill_i, count(*) OVER () - 1 AS backfill_m
			  FROM %1$s%4$s) backfill_s
			WHERE backfill_i = 0 OR floor(backfill_i * CAST(:buckets AS float8) / NULLIF(backfill_m, 0))
			  <> floor((backfill_i - 1) * CAST(:buckets AS float8) / NULLIF(backfill_m, 0))
			ORDER BY %3$s""";

	private static final String ENDS = """
			(SELECT %2$s FROM %1$s ORDER BY %3$s LIMIT 1)
			UNION ALL (SELECT %2$s FROM %1$s ORDER BY %4$s LIMIT 1)""";

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
		List<Object> histogram = shape.key().composite() ? List.of() : histogram(jdbc, shape);
		if (!histogram.isEmpty()) {
			return histogram;
		}
		long pages = TablePages.of(jdbc, table);
		List<Object> sampled;
		if (pages <= SMALL_TABLE_PAGES) {
			// every key: exact, and the same plan each time, where a sample of a few
			// hundred pages of such a table cut partitions a third apart
			sampled = keys(jdbc.sql(percentiles(shape, "")).param("buckets", BUCKETS), shape);
		}
		else {
			double percent = Math.min(100, Math.max(0.0001, 100.0 * SAMPLE_PAGES / Math.max(1, pages)));
			sampled = keys(jdbc.sql(percentiles(shape, SAMPLE)).param("buckets", BUCKETS).param("percent", percent),
					shape);
		}
		return sampled.isEmpty() ? keys(
				jdbc.sql(
						ENDS.formatted(table, shape.key().select(), shape.key().order(false), shape.key().order(true))),
				shape) : sampled;
	}

	private static String percentiles(TableShape shape, String sample) {
		String table = shape.table().sql();
		return shape.key().composite()
				? POSITIONS.formatted(table, shape.key().select(), shape.key().order(false), sample)
				: PERCENTILES.formatted(table, shape.keySql(), sample);
	}

	private static List<Object> histogram(JdbcClient jdbc, TableShape shape) {
		List<String> text = jdbc.sql(HISTOGRAM)
			.param("table", shape.table().sql())
			.param("key", shape.key().columns().get(0))
			.query(String.class)
			.list();
		if (text.isEmpty()) {
			return List.of();
		}
		// a statistics target above 100 gives more bounds than buckets worth probing:
		// every m-th of them keeps the buckets' equal rows
		List<Object> bounds = keys(
				jdbc.sql(BOUNDS.formatted(shape.key().types().get(0).sqlType())).param("bounds", text.get(0)), shape);
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
		int columns = shape.key().columns().size();
		query.query((rs, i) -> nullKey(rs, columns) ? null : shape.key().read(rs, 1)).list().forEach((key) -> {
			if (key != null && (keys.isEmpty() || !keys.get(keys.size() - 1).equals(key))) {
				keys.add(key);
			}
		});
		return keys;
	}

	// percentiles of an empty table, or of an empty sample, are null
	private static boolean nullKey(ResultSet rs, int columns) throws SQLException {
		for (int i = 1; i <= columns; i++) {
			if (rs.getObject(i) == null) {
				return true;
			}
		}
		return false;
	}

}
