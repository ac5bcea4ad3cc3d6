package dev.backfill.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;

import dev.backfill.Backfill;
import dev.backfill.CannotEstimateException;
import dev.backfill.DryRunOptions;
import dev.backfill.jdbc.TableShape;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Where a dry-run samples: batches stratified over the whole key range (the first batch,
 * the last full batch, and one at a random place in each stratum between, found from a
 * random sample of the table's keys), plus a warm-up batch whose time is not used. Key
 * positions come from {@code TABLESAMPLE SYSTEM}, which reads a few hundred random pages,
 * never the whole table.
 *
 * @param keys keys the run walks
 * @param pending rows the planner expects to match the pending predicate
 * @param batchSize keys per batch
 * @param warmUp lower bound (exclusive) of the warm-up batch; {@code null} for the first
 * batch, from the smallest key
 * @param starts lower bounds (exclusive) of the sampled batches, in key order
 * @param spans how a run walks a dense integer key, and so the samples: by spans of key
 * values, which {@code keys} then counts; {@code null} when it probes
 */
record SamplePlan(long keys, long pending, int batchSize, @Nullable Object warmUp, List<@Nullable Object> starts,
		@Nullable KeySpans spans) {

	/** Pages read to place the samples: enough for percentiles, few reads. */
	private static final int PAGE_SAMPLE = 400;

	private static final String IN_RECOVERY = "SELECT pg_is_in_recovery()";

	long batches() {
		return Math.max(1, (this.keys + this.batchSize - 1) / this.batchSize);
	}

	static SamplePlan of(Backfill backfill, TableShape shape, JdbcClient jdbc, int batchSize, DryRunOptions options,
			Random random) {
		String name = backfill.name();
		if (jdbc.sql(IN_RECOVERY).query(Boolean.class).single()) {
			throw new CannotEstimateException("Dry-run of '" + name + "': this database is a read-only standby, and a "
					+ "dry-run applies sample batches (rolled back) to measure them. Run it against the primary, or a "
					+ "writable clone of production (such as a restored snapshot).");
		}
		Keyset keyset = new Keyset(shape);
		Optional<Object> first = keyset.first(jdbc);
		if (first.isEmpty()) {
			throw new CannotEstimateException("Dry-run of '" + name + "': table " + shape.table() + " is empty, so "
					+ "there is nothing to sample and a run would change nothing. Point the dry-run at a database "
					+ "with production-size data (production, a replica's writable clone, or a restored snapshot).");
		}
		// the first sample is the first batch, which starts at the smallest key
		Object start = null;
		RemainingWork remaining = new RemainingWork(backfill, shape);
		long keys = Math.max(1, remaining.keysAfter(jdbc, null));
		KeySpans spans = KeySpans.of(jdbc, keyset, null, null, keys).orElse(null);
		if (spans != null) {
			keys = spans.ahead();
		}
		long pending = remaining.pendingAfter(jdbc, null);
		long batches = Math.max(1, (keys + batchSize - 1) / batchSize);
		int n;
		if (options.sampleBatches() > 0) {
			n = options.sampleBatches();
			if (n > batches) {
				throw new CannotEstimateException(String.format(
						"Dry-run of '%s': a sample of %,d batches of %,d keys "
								+ "(%,d keys) is larger than table %s (about %,d keys, %,d batches). Ask for at most "
								+ "%,d sample " + "batches, or leave the number out to size the sample from the table.",
						name, n, batchSize, (long) n * batchSize, shape.table(), keys, batches, batches));
			}
		}
		else {
			long share = (long) Math.floor(options.maxSampleShare() * keys / batchSize);
			n = (int) Math.min(batches, Math.max(3, Math.min(DryRunOptions.DEFAULT_SAMPLE_BATCHES, share)));
		}
		List<Object> sampled = sampleKeys(shape, jdbc);
		List<@Nullable Object> starts = new ArrayList<>(n);
		starts.add(start);
		// one place drawn in each stratum between the first and the last full batch, in
		// key order as the keys are
		double lastFull = Math.max(0, 1 - (double) batchSize / keys);
		for (int i = 1; i < n - 1; i++) {
			starts.add(at(sampled, Math.min(lastFull, (i + random.nextDouble()) / n), start));
		}
		if (n > 1) {
			starts.add(keyset.nthFromEnd(jdbc, batchSize).orElse(start));
		}
		Object warmUp = at(sampled, random.nextDouble() * lastFull, start);
		// few sampled keys (a small or bloated table) can place two samples on one start
		return new SamplePlan(keys, pending, batchSize, warmUp, starts.stream().distinct().toList(), spans);
	}

	private static @Nullable Object at(List<Object> sorted, double q, @Nullable Object start) {
		if (sorted.isEmpty() || q <= 0) {
			return start;
		}
		return sorted.get((int) Math.min(sorted.size() - 1, Math.round(q * (sorted.size() - 1))));
	}

	// one key from each of a few hundred random pages gives the keys' distribution
	// without reading the table; keys of one page are not used twice, as they are often
	// neighbours and would place samples on top of each other
	private static List<Object> sampleKeys(TableShape shape, JdbcClient jdbc) {
		String columns = shape.key().select();
		String order = shape.key().order(false);
		String sql = "SELECT " + columns + " FROM (SELECT DISTINCT ON (backfill_b) " + columns + ", backfill_b FROM "
				+ "(SELECT " + columns + ", (CAST(CAST(ctid AS text) AS point))[0] AS backfill_b FROM "
				+ shape.table().sql() + " TABLESAMPLE SYSTEM (CAST(:percent AS real))) backfill_s ORDER BY backfill_b, "
				+ order + ") backfill_d ORDER BY " + order;
		long pages = TablePages.of(jdbc, shape.table().sql());
		double percent = (pages > PAGE_SAMPLE) ? 100.0 * PAGE_SAMPLE / pages : 100;
		// a bloated table has many empty pages: read more, but never more than 16 times
		// the first share
		for (int attempt = 0;; attempt++) {
			List<Object> sampled = jdbc.sql(sql)
				.param("percent", percent)
				.query((rs, i) -> shape.key().read(rs, 1))
				.list();
			if (sampled.size() >= PAGE_SAMPLE / 4 || percent >= 100 || attempt == 2) {
				return sampled;
			}
			percent = Math.min(100, percent * 4);
		}
	}

}
