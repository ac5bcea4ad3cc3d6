package dev.backfill.engine;

import java.util.Optional;

import dev.backfill.KeyRange;
import dev.backfill.jdbc.TableKey;
import dev.backfill.jdbc.TableShape;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Finds batch boundaries by walking the key's unique index: the n-th key after a bound
 * costs an index probe of n entries whatever the position in the table, never an OFFSET
 * from the start. A walk's first range starts at the smallest key itself, so no value
 * below it is needed.
 */
final class Keyset implements KeyWalk {

	private final TableShape shape;

	private final String table;

	private final String key;

	private final String select;

	private final String order;

	private final String first;

	private final String fromEnd;

	Keyset(TableShape shape) {
		this.shape = shape;
		this.table = shape.table().sql();
		this.key = shape.keySql();
		this.select = "SELECT " + shape.key().select() + " FROM " + this.table;
		this.order = " ORDER BY " + shape.key().order(false);
		this.first = this.select + this.order + " LIMIT 1";
		this.fromEnd = this.select + " ORDER BY " + shape.key().order(true) + " OFFSET :skip LIMIT 1";
	}

	/**
	 * @return whether the key is an integer, which a walk may also span by arithmetic
	 */
	boolean integer() {
		return this.shape.key().integer();
	}

	/** A batch's range, how many keys it holds, and whether it holds all it asked for. */
	record Batch(KeyRange range, long keys, boolean full) {
	}

	@Override
	public Optional<Batch> next(JdbcClient jdbc, @Nullable Object from, boolean fromIncluded, int n,
			@Nullable Object until) {
		Object lower = from;
		boolean included = fromIncluded;
		if (lower == null) {
			Optional<Object> smallest = first(jdbc);
			if (smallest.isEmpty()) {
				return Optional.empty();
			}
			lower = smallest.get();
			included = true;
		}
		String where = " WHERE " + this.key + (included ? " >= " : " > ") + ":after"
				+ ((until != null) ? " AND " + this.key + " <= :until" : "");
		Optional<Object> nth = key(
				bind(jdbc.sql(this.select + where + this.order + " OFFSET :skip LIMIT 1"), lower, until).param("skip",
						n - 1));
		if (nth.isPresent()) {
			return Optional.of(new Batch(range(lower, nth.get(), included), n, true));
		}
		Optional<Object> last = key(
				bind(jdbc.sql(this.select + where + " ORDER BY " + this.shape.key().order(true) + " LIMIT 1"), lower,
						until));
		if (last.isEmpty()) {
			return Optional.empty();
		}
		long keys = bind(jdbc.sql("SELECT count(*) FROM " + this.table + where + " AND " + this.key + " <= :to"), lower,
				until)
			.param("to", TableKey.param(last.get()))
			.query(Long.class)
			.single();
		return Optional.of(new Batch(range(lower, last.get(), included), keys, false));
	}

	private static KeyRange range(Object from, Object to, boolean included) {
		return included ? KeyRange.startingAt(from, to) : new KeyRange(from, to);
	}

	private static JdbcClient.StatementSpec bind(JdbcClient.StatementSpec statement, Object from,
			@Nullable Object until) {
		JdbcClient.StatementSpec bound = statement.param("after", TableKey.param(from));
		return (until != null) ? bound.param("until", TableKey.param(until)) : bound;
	}

	private Optional<Object> key(JdbcClient.StatementSpec query) {
		return query.query((rs, i) -> this.shape.key().read(rs, 1)).optional();
	}

	/** The smallest key, or empty for an empty table. */
	Optional<Object> first(JdbcClient jdbc) {
		return key(jdbc.sql(this.first));
	}

	/** The key with n keys above it, or empty when the table has no more than n keys. */
	Optional<Object> nthFromEnd(JdbcClient jdbc, int n) {
		return key(jdbc.sql(this.fromEnd).param("skip", n));
	}

}
