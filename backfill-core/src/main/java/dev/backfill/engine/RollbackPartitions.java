package dev.backfill.engine;

import java.util.ArrayList;
import java.util.List;

import dev.backfill.KeyRange;
import dev.backfill.jdbc.TableKey;
import dev.backfill.jdbc.TableShape;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The partitions of a rollback: the stretches of keys the runs committed, each cut where
 * the table's own partition plan cuts it, so that a parallelism of N gives about N
 * partitions of about equal rows, and nothing outside what was committed is undone.
 */
final class RollbackPartitions {

	private RollbackPartitions() {
	}

	/**
	 * @param committed the stretches of committed keys, in key order, as text
	 * @param shape the table's shape
	 * @param jdbc a client on the database
	 * @param parallelism how many partitions the rollback is walked in
	 * @return the partitions, or {@code null} when nothing was committed
	 */
	static @Nullable PartitionPlan of(List<KeyRange> committed, TableShape shape, JdbcClient jdbc, int parallelism) {
		if (committed.isEmpty()) {
			return null;
		}
		TableKey key = shape.key();
		List<WalkBounds> cuts = (parallelism > 1) ? KeyPartitions.plan(jdbc, shape, "true", parallelism).partitions()
				: List.of();
		String compare = comparison(shape, jdbc);
		List<WalkBounds> partitions = new ArrayList<>();
		for (KeyRange stretch : committed) {
			Object from = key.parse(stretch.from().toString());
			Object to = key.parse(stretch.to().toString());
			boolean included = stretch.fromIncluded();
			Object lower = from;
			for (WalkBounds cut : cuts) {
				Object at = cut.until();
				// a cut inside the stretch: above its lower bound, below its upper one
				if (at != null && inside(jdbc, compare, lower, at, to)) {
					partitions.add(new WalkBounds(lower, included, at));
					lower = at;
					included = false;
				}
			}
			partitions.add(new WalkBounds(lower, included, to));
		}
		return new PartitionPlan(partitions);
	}

	// compared in the key column's own type and collation, by the database
	private static String comparison(TableShape shape, JdbcClient jdbc) {
		List<@Nullable String> collations = shape.keyCollations(jdbc);
		String at = shape.key().fromText(":at", collations);
		return "SELECT " + at + " > " + shape.key().fromText(":lower", collations) + " AND " + at + " < "
				+ shape.key().fromText(":upper", collations);
	}

	private static boolean inside(JdbcClient jdbc, String compare, Object lower, Object at, Object upper) {
		return Boolean.TRUE.equals(jdbc.sql(compare)
			.param("at", at.toString())
			.param("lower", lower.toString())
			.param("upper", upper.toString())
			.query(Boolean.class)
			.single());
	}

}
