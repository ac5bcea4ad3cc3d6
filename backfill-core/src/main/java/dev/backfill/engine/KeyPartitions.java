package dev.backfill.engine;

import java.util.ArrayList;
import java.util.List;

import dev.backfill.engine.PendingBuckets.Bucket;
import dev.backfill.engine.PendingBuckets.Probed;
import dev.backfill.jdbc.TableShape;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Plans a parallel run: cuts the key space into ranges holding about equal pending rows,
 * without counting the table. The {@link KeyQuantiles} cut it into buckets of about equal
 * rows, {@link PendingBuckets} measures the pending rows of each by index probes, and the
 * cuts fall where the pending rows add up to an equal part each, on keys that exist.
 * However wrong the statistics, the plan's ranges are contiguous from no lower bound to
 * no upper bound, so every key, including one inserted later outside the sampled range,
 * belongs to exactly one partition: the statistics decide the balance, never the
 * coverage.
 */
final class KeyPartitions {

	private final PendingBuckets buckets;

	private KeyPartitions(PendingBuckets buckets) {
		this.buckets = buckets;
	}

	/**
	 * A cut's key (an existing one, or {@code null} for none), and the weight up to it.
	 */
	private record Cut(@Nullable Object key, double weight) {
	}

	/**
	 * Plans the partitions of a parallel run.
	 * @param jdbc a client on the target database
	 * @param shape the table and its key
	 * @param pending the declaration's pending predicate, a SQL condition on the table's
	 * columns
	 * @param partitions the most partitions wanted
	 * @return between 1 and {@code partitions} partitions in key order; one for an empty
	 * table, fewer when the table holds too few keys or pending rows
	 * @throws IllegalArgumentException when {@code partitions} is below 1
	 */
	static PartitionPlan plan(JdbcClient jdbc, TableShape shape, String pending, int partitions) {
		if (partitions < 1) {
			throw new IllegalArgumentException("A plan needs at least 1 partition, not " + partitions);
		}
		List<Object> edges = (partitions > 1) ? KeyQuantiles.read(jdbc, shape) : List.of();
		if (edges.isEmpty()) {
			return new PartitionPlan(List.of(WalkBounds.ALL));
		}
		PendingBuckets buckets = new PendingBuckets(jdbc, shape, pending);
		long rows = new RemainingWork(pending, shape).keysAfter(jdbc, null);
		List<Bucket> measured = buckets.measure(edges, rows / Math.max(1, edges.size() - 1));
		return PartitionPlan.of(new KeyPartitions(buckets).cuts(measured, partitions));
	}

	// the i-th cut where the weight adds up to i / n of the total; a cut that repeats
	// the one before, or leaves nothing below or above it, is dropped
	private List<Object> cuts(List<Bucket> buckets, int partitions) {
		double total = buckets.stream().mapToDouble(Bucket::weight).sum();
		// nothing seen pending (done, or pending rows too sparse for the probes): equal
		// rows then
		boolean byRows = total <= 0;
		if (byRows) {
			total = buckets.stream().mapToLong(Bucket::rows).sum();
		}
		List<Object> cuts = new ArrayList<>();
		double before = 0;
		int b = 0;
		for (int i = 1; i < partitions; i++) {
			double target = total * i / partitions;
			while (b < buckets.size() && before + weight(buckets.get(b), byRows) < target) {
				before += weight(buckets.get(b), byRows);
				b++;
			}
			if (b == buckets.size()) {
				break;
			}
			Cut cut = within(buckets.get(b), target - before, byRows);
			double at = before + cut.weight();
			if (cut.key() != null && at > 0 && at < total * (1 - 1e-9)
					&& (cuts.isEmpty() || !cuts.get(cuts.size() - 1).equals(cut.key()))) {
				cuts.add(cut.key());
			}
		}
		return cuts;
	}

	private static double weight(Bucket bucket, boolean byRows) {
		return byRows ? bucket.rows() : bucket.weight();
	}

	// a bucket read whole is cut on the row that completes the weight; another where the
	// weight's share of its rows falls, as if they were spread evenly through it
	private Cut within(Bucket bucket, double need, boolean byRows) {
		double weight = weight(bucket, byRows);
		if (bucket.complete()) {
			long wanted = Math.max(1, Math.round(need));
			long seen = 0;
			for (Probed row : bucket.head()) {
				seen += (byRows || row.pending()) ? 1 : 0;
				if (seen >= wanted) {
					return new Cut(row.key(), seen);
				}
			}
			return new Cut(last(bucket), weight);
		}
		double share = need / weight;
		long position = Math.max(1, Math.round(share * bucket.rows()));
		if (position <= bucket.head().size()) {
			return new Cut(bucket.head().get((int) position - 1).key(), weight * position / bucket.rows());
		}
		Object key = (position - 1 <= PendingBuckets.MAX_SKIP) ? this.buckets.keyAt(bucket.lo(), bucket.hi(), position)
				: null;
		if (key != null) {
			return new Cut(key, weight * position / bucket.rows());
		}
		// a bucket too large to walk into is cut at its nearer end
		if (share < 0.5 && bucket.lo() != null) {
			return new Cut(this.buckets.atOrBelow(bucket.lo()), 0);
		}
		return new Cut(last(bucket), weight);
	}

	// the bucket's last key: the largest key at or below its upper bound
	private @Nullable Object last(Bucket bucket) {
		return (bucket.hi() != null) ? this.buckets.atOrBelow(bucket.hi()) : null;
	}

}
