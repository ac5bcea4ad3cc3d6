package dev.backfill.engine;

import java.util.Optional;

import dev.backfill.KeyRange;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Finds batch boundaries of an integer key by arithmetic, as a hand-written loop does: a
 * batch of n keys is the next n key values, {@code (from, from + n]}. No probe is sent,
 * and none of the heap fetches it pays once the run's own updates have cleared the
 * visibility map ahead of it. Since keys are unique, such a range never holds more than n
 * rows; over gaps it holds fewer, so a walk takes spans only where the key is dense
 * ({@link #DENSE}), and probes elsewhere. A batch's keys are the values it spans, an
 * upper bound of its rows.
 */
final class KeySpans implements KeyWalk {

	/**
	 * How dense the key must be over a walk, as rows per key value, for spans to beat the
	 * probe: below it the extra batches cost more than the probes they save.
	 */
	static final double DENSE = 0.5;

	private final Keyset keyset;

	/** The largest key seen: read again when a batch would reach it. */
	private long largest;

	/** The key values ahead of the walk when it started, as it counts its keys. */
	private final long ahead;

	private KeySpans(Keyset keyset, long largest, long ahead) {
		this.keyset = keyset;
		this.largest = largest;
		this.ahead = ahead;
	}

	/**
	 * A walk by spans when the key is an integer and dense over the walk.
	 * @param jdbc a client
	 * @param keyset the walk's keyset, for the smallest key
	 * @param after where the walk stands ({@code null}: at its start)
	 * @param until its inclusive upper bound ({@code null}: the table's end)
	 * @param keys the planner's estimate of the keys ahead
	 * @return the walk by spans, or empty to probe
	 */
	static Optional<KeySpans> of(JdbcClient jdbc, Keyset keyset, @Nullable Object after, @Nullable Object until,
			long keys) {
		if (!keyset.integer() || keys <= 0) {
			return Optional.empty();
		}
		Optional<Long> largest = largest(jdbc, keyset);
		Optional<Long> lower = (after != null) ? Optional.of((Long) after) : keyset.first(jdbc).map(Long.class::cast);
		if (largest.isEmpty() || lower.isEmpty()) {
			return Optional.empty();
		}
		long upper = (until != null) ? Math.min((Long) until, largest.get()) : largest.get();
		// from the smallest key, that key is one of the values
		double values = Math.max(1.0, (double) upper - lower.get() + ((after != null) ? 0 : 1));
		return (keys / values >= DENSE) ? Optional.of(new KeySpans(keyset, largest.get(), Math.round(values)))
				: Optional.empty();
	}

	// as Keyset finds it, n key values long
	@Override
	public Optional<Keyset.Batch> next(JdbcClient jdbc, @Nullable Object from, boolean fromIncluded, int n,
			@Nullable Object until) {
		long lower;
		boolean included = fromIncluded;
		if (from == null) {
			Optional<Object> smallest = this.keyset.first(jdbc);
			if (smallest.isEmpty()) {
				return Optional.empty();
			}
			lower = (Long) smallest.get();
			included = true;
		}
		else {
			lower = (Long) from;
		}
		// the last key of n values: lower + n - 1 when lower is one of them, without
		// passing Long.MAX_VALUE
		long reach = included ? n - 1 : n;
		long to = (lower > Long.MAX_VALUE - reach) ? Long.MAX_VALUE : lower + reach;
		if (to >= this.largest) {
			// keys added since the walk looked are walked as a probe would find them
			this.largest = largest(jdbc, this.keyset).orElse(Long.MIN_VALUE);
			to = Math.min(to, this.largest);
		}
		boolean last = false;
		if (until != null && to >= (Long) until) {
			to = (Long) until;
			last = true;
		}
		if (to < lower || (to == lower && !included)) {
			return Optional.empty();
		}
		long keys = to - lower + (included ? 1 : 0);
		KeyRange range = included ? KeyRange.startingAt(lower, to) : new KeyRange(lower, to);
		return Optional.of(new Keyset.Batch(range, keys, !last && keys == n));
	}

	/**
	 * @return the key values ahead of the walk when it started: its keys, as it counts
	 * them
	 */
	long ahead() {
		return this.ahead;
	}

	private static Optional<Long> largest(JdbcClient jdbc, Keyset keyset) {
		return keyset.nthFromEnd(jdbc, 0).map(Long.class::cast);
	}

}
