package dev.backfill.engine;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import dev.backfill.jdbc.TableKey;
import dev.backfill.jdbc.TableShape;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Measures how many pending rows each bucket of keys holds, by index probes rather than
 * counts: the first and the last rows of a bucket, in key order, give its share pending
 * at either end. Where the two differ (the pending rows start or stop inside the bucket,
 * as after a run that finished part of the table), the bucket is halved at its middle key
 * and each half measured again, until the change lies in a bucket small enough to read
 * whole.
 */
final class PendingBuckets {

	/** Rows an index probe reads at either end of a bucket. */
	static final int PROBE_ROWS = 200;

	/**
	 * Keys an index walk may skip to find a key inside a bucket; a bucket past twice that
	 * is not halved, so that a huge table's buckets are never read through.
	 */
	static final long MAX_SKIP = 1_000_000;

	/** The change of share pending between a bucket's ends that halves it. */
	private static final double SHARE_STEP = 0.25;

	/** Halvings per plan at most, whatever the pattern of pending rows. */
	private static final int MAX_HALVINGS = 400;

	private final JdbcClient jdbc;

	private final TableShape shape;

	private final String table;

	private final String key;

	private final String probe;

	private int halvings;

	// pending is a condition of the declaration's, never user input at run time
	PendingBuckets(JdbcClient jdbc, TableShape shape, String pending) {
		this.jdbc = jdbc;
		this.shape = shape;
		this.table = shape.table().sql();
		this.key = shape.keySql();
		this.probe = "SELECT " + shape.key().select() + ", coalesce((" + pending + "), false)";
	}

	/**
	 * A range of keys, with what its probes found.
	 *
	 * @param lo the exclusive lower bound, or {@code null} for none
	 * @param hi the inclusive upper bound, or {@code null} for none
	 * @param head the first rows of the range in key order
	 * @param complete whether {@code head} holds every row of the range
	 * @param rows the rows the range holds: counted when complete, else estimated
	 * @param weight the pending rows it is expected to hold: counted when complete, else
	 * its rows at the mean of the shares pending at either end
	 */
	record Bucket(@Nullable Object lo, @Nullable Object hi, List<Probed> head, boolean complete, long rows,
			double weight) {
	}

	/** A row a probe read: its key, and whether it is pending. */
	record Probed(Object key, boolean pending) {
	}

	/**
	 * A bucket's end shares: {@code head} of its first rows, {@code tail} of its last.
	 */
	private record Ends(double head, double tail) {
	}

	/**
	 * Measures the buckets between edges:
	 * {@code (null, e0], (e0, e1], ..., (eLast, null)}; the outer two hold the keys
	 * outside the statistics, usually none.
	 * @param edges distinct keys in key order
	 * @param rowsPerBucket rows expected between two edges
	 * @return the buckets in key order, halved where pending rows start or stop
	 */
	List<Bucket> measure(List<Object> edges, long rowsPerBucket) {
		List<Bucket> buckets = new ArrayList<>();
		for (int i = 0; i <= edges.size(); i++) {
			Object lo = (i > 0) ? edges.get(i - 1) : null;
			Object hi = (i < edges.size()) ? edges.get(i) : null;
			List<Probed> head = rows(lo, hi, false);
			if (head.size() < PROBE_ROWS) {
				buckets.add(complete(lo, hi, head));
			}
			else {
				halve(lo, hi, head, share(rows(lo, hi, true)), Math.max(PROBE_ROWS, rowsPerBucket), buckets);
			}
		}
		return buckets;
	}

	private void halve(@Nullable Object lo, @Nullable Object hi, List<Probed> head, double tail, long rows,
			List<Bucket> into) {
		Ends ends = new Ends(share(head), tail);
		Object middle = null;
		long left = rows / 2;
		if (Math.abs(ends.head() - ends.tail()) > SHARE_STEP && left <= MAX_SKIP && this.halvings < MAX_HALVINGS) {
			this.halvings++;
			middle = keyAt(lo, hi, left);
		}
		if (middle == null) {
			into.add(new Bucket(lo, hi, head, false, rows, rows * (ends.head() + ends.tail()) / 2));
			return;
		}
		// the first half starts with the same rows; the second is probed afresh
		if (left <= PROBE_ROWS) {
			into.add(complete(lo, middle, head.subList(0, (int) left)));
		}
		else {
			halve(lo, middle, head.subList(0, PROBE_ROWS), share(rows(lo, middle, true)), left, into);
		}
		List<Probed> second = rows(middle, hi, false);
		if (second.size() < PROBE_ROWS) {
			into.add(complete(middle, hi, second));
		}
		else {
			halve(middle, hi, second, tail, Math.max(PROBE_ROWS, rows - left), into);
		}
	}

	private static Bucket complete(@Nullable Object lo, @Nullable Object hi, List<Probed> rows) {
		return new Bucket(lo, hi, rows, true, rows.size(), rows.stream().filter(Probed::pending).count());
	}

	private static double share(List<Probed> rows) {
		return rows.isEmpty() ? 0 : (double) rows.stream().filter(Probed::pending).count() / rows.size();
	}

	// the first or the last rows of a range, in key order
	private List<Probed> rows(@Nullable Object lo, @Nullable Object hi, boolean last) {
		List<Probed> rows = new ArrayList<>(inRange(this.probe, lo, hi, last, " LIMIT :n").param("n", PROBE_ROWS)
			.query((rs, n) -> new Probed(this.shape.key().read(rs, 1),
					rs.getBoolean(this.shape.key().columns().size() + 1)))
			.list());
		if (last) {
			Collections.reverse(rows);
		}
		return rows;
	}

	/**
	 * The key at a position in a range, found by walking the index.
	 * @param lo the range's exclusive lower bound, or {@code null} for none
	 * @param hi its inclusive upper bound, or {@code null} for none
	 * @param position the position, from 1
	 * @return the key, or {@code null} when the range holds fewer keys
	 */
	@Nullable Object keyAt(@Nullable Object lo, @Nullable Object hi, long position) {
		return key(inRange("SELECT " + this.shape.key().select(), lo, hi, false, " OFFSET :n LIMIT 1").param("n",
				position - 1));
	}

	/**
	 * The largest key at or below a value, found by the index: the statistics name keys
	 * that may be deleted since.
	 * @param at the value
	 * @return the key, or {@code null} when no key is that small
	 */
	@Nullable Object atOrBelow(Object at) {
		return key(this.jdbc
			.sql("SELECT " + this.shape.key().select() + " FROM " + this.table + " WHERE " + this.key
					+ " <= :at ORDER BY " + this.shape.key().order(true) + " LIMIT 1")
			.param("at", TableKey.param(at)));
	}

	private @Nullable Object key(JdbcClient.StatementSpec query) {
		return query.query((rs, n) -> this.shape.key().read(rs, 1)).optional().orElse(null);
	}

	// a range's rows in key order; an open end is left out, as Keyset does, so the index
	// bounds the scan by the other; values bound as the key's Java type, as Keyset binds
	// them, and compared in the column's collation
	private JdbcClient.StatementSpec inRange(String select, @Nullable Object lo, @Nullable Object hi,
			boolean descending, String limit) {
		List<String> bounds = new ArrayList<>(2);
		if (lo != null) {
			bounds.add(this.key + " > :lo");
		}
		if (hi != null) {
			bounds.add(this.key + " <= :hi");
		}
		String where = bounds.isEmpty() ? "" : " WHERE " + String.join(" AND ", bounds);
		JdbcClient.StatementSpec statement = this.jdbc
			.sql(select + " FROM " + this.table + where + " ORDER BY " + this.shape.key().order(descending) + limit);
		if (lo != null) {
			statement = statement.param("lo", TableKey.param(lo));
		}
		return (hi != null) ? statement.param("hi", TableKey.param(hi)) : statement;
	}

}
