package dev.backfill.internal;

import java.util.Optional;

import dev.backfill.BackfillException;
import dev.backfill.jdbc.TableShape;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Finds batch boundaries by walking the key's unique index: the n-th key after a bound costs an index probe of n
 * entries whatever the position in the table, never an OFFSET from the start.
 */
final class Keyset {

	private final TableShape shape;

	private final String first;

	private final String nth;

	private final String last;

	private final String count;

	private final String fromEnd;

	private final String nthUpTo;

	private final String lastUpTo;

	Keyset(TableShape shape) {
		this.shape = shape;
		String table = shape.table().sql();
		String key = shape.keySql();
		this.first = "SELECT " + key + " FROM " + table + " ORDER BY " + key + " LIMIT 1";
		this.nth = "SELECT " + key + " FROM " + table + " WHERE " + key + " > :after ORDER BY " + key
				+ " OFFSET :skip LIMIT 1";
		this.last = "SELECT " + key + " FROM " + table + " WHERE " + key + " > :after ORDER BY " + key + " DESC LIMIT 1";
		this.fromEnd = "SELECT " + key + " FROM " + table + " ORDER BY " + key + " DESC OFFSET :skip LIMIT 1";
		this.nthUpTo = "SELECT " + key + " FROM " + table + " WHERE " + key + " > :after AND " + key + " <= :until"
				+ " ORDER BY " + key + " OFFSET :skip LIMIT 1";
		this.lastUpTo = "SELECT " + key + " FROM " + table + " WHERE " + key + " > :after AND " + key + " <= :until"
				+ " ORDER BY " + key + " DESC LIMIT 1";
		this.count = "SELECT count(*) FROM " + table + " WHERE " + key + " > :after AND " + key + " <= :to";
	}

	/** The smallest key, or empty for an empty table. */
	Optional<Object> first(JdbcClient jdbc) {
		return jdbc.sql(this.first).query((rs, i) -> this.shape.keyType().fromJdbc(rs.getObject(1))).optional();
	}

	/**
	 * The exclusive lower bound of a walk from the first key.
	 * @param who whose walk, for the message: {@code Backfill 'x'}
	 * @return a value below the smallest key, or {@code null} for an empty table
	 * @throws BackfillException when the smallest key is the lowest value of its type
	 */
	@Nullable Object startBound(JdbcClient jdbc, String who) {
		Optional<Object> first = first(jdbc);
		if (first.isEmpty()) {
			return null;
		}
		Object below = this.shape.keyType().below(first.get());
		if (below == null) {
			throw new BackfillException(who + ": the smallest key of " + this.shape.table() + " is '" + first.get()
					+ "', the lowest value of its type, so no range can start below it. Change that row's key, or "
					+ "walk the table by another unique column.");
		}
		return below;
	}

	/** The n-th key after a bound, or empty when fewer than n keys follow it. */
	Optional<Object> nth(JdbcClient jdbc, Object after, int n) {
		return jdbc.sql(this.nth).param("after", after).param("skip", n - 1)
			.query((rs, i) -> this.shape.keyType().fromJdbc(rs.getObject(1))).optional();
	}

	/** The n-th key after a bound and up to another, or empty when fewer than n keys lie between. */
	Optional<Object> nth(JdbcClient jdbc, Object after, int n, @Nullable Object until) {
		if (until == null) {
			return nth(jdbc, after, n);
		}
		return jdbc.sql(this.nthUpTo).param("after", after).param("skip", n - 1).param("until", until)
			.query((rs, i) -> this.shape.keyType().fromJdbc(rs.getObject(1))).optional();
	}

	/** The largest key after a bound and up to another, or empty when none lies between. */
	Optional<Object> last(JdbcClient jdbc, Object after, @Nullable Object until) {
		if (until == null) {
			return last(jdbc, after);
		}
		return jdbc.sql(this.lastUpTo).param("after", after).param("until", until)
			.query((rs, i) -> this.shape.keyType().fromJdbc(rs.getObject(1))).optional();
	}

	/** The key with n keys above it, or empty when the table has no more than n keys. */
	Optional<Object> nthFromEnd(JdbcClient jdbc, int n) {
		return jdbc.sql(this.fromEnd).param("skip", n)
			.query((rs, i) -> this.shape.keyType().fromJdbc(rs.getObject(1))).optional();
	}

	/** The largest key after a bound, or empty when none follows it. */
	Optional<Object> last(JdbcClient jdbc, Object after) {
		return jdbc.sql(this.last).param("after", after)
			.query((rs, i) -> this.shape.keyType().fromJdbc(rs.getObject(1))).optional();
	}

	/** How many keys lie in {@code (after, to]}. */
	long count(JdbcClient jdbc, Object after, Object to) {
		return jdbc.sql(this.count).param("after", after).param("to", to).query(Long.class).single();
	}

}
