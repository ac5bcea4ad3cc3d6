package dev.backfill.engine;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.ToLongFunction;

import dev.backfill.BatchSizing;
import dev.backfill.Estimate;
import org.jspecify.annotations.Nullable;

/**
 * The arithmetic from a dry-run's sampled batches to a whole run: the size its batches
 * run at, how many there are, how long they take (with a range), how long one holds its
 * row locks, the WAL and rows they write, and what these figures warn of. It reads no
 * database and no step, so that each figure is tested against numbers worked out by hand.
 */
final class Extrapolation {

	/** Above this, a batch holds row locks longer than production tolerates. */
	static final long LOCK_LIMIT_MILLIS = 1000;

	/** Share of the samples left out at each end of the mean. */
	private static final double TRIM = 0.2;

	private final List<Timed> samples;

	private final SamplePlan plan;

	private final boolean adaptive;

	/** What a suggested batch size aims at. */
	private final BatchSizing target;

	private final int batchSize;

	/** Each sample's cost at the estimated size, in ascending order. */
	private final double[] millis;

	/**
	 * @param samples the sampled batches, in key order
	 * @param plan where they were sampled, and the planner's counts
	 * @param sizing how the run's batches adapt, or {@code null} when their size is fixed
	 * @param configured the configured sizing, whose target a suggested batch size aims
	 * at when it adapts
	 */
	Extrapolation(List<Timed> samples, SamplePlan plan, @Nullable BatchSizing sizing, BatchSizing configured) {
		this.samples = List.copyOf(samples);
		this.plan = plan;
		this.adaptive = sizing != null;
		// aimed at the configured target duration, as an adaptive run would be
		this.target = configured.adapts() ? configured : BatchSizing.DEFAULTS;
		this.batchSize = settledSize(sizing);
		this.millis = this.samples.stream().mapToDouble((s) -> s.millisAt(scale())).sorted().toArray();
	}

	// an adaptive run settles where a batch's statement takes the target: estimate the
	// run at that size, each sample's work scaled to it and its fixed cost (commit, step
	// update) kept
	private int settledSize(@Nullable BatchSizing sizing) {
		int sampled = this.plan.batchSize();
		if (sizing == null) {
			return sampled;
		}
		double keysPerMilli = sum(Estimate.Sample::keys)
				/ Math.max(0.001, this.samples.stream().mapToDouble(Timed::workMillis).sum());
		return sizing.next(sampled, keysPerMilli, keysPerMilli, true);
	}

	/**
	 * @return keys per batch of the run estimated
	 */
	int batchSize() {
		return this.batchSize;
	}

	/**
	 * @return the estimated size over the sampled one
	 */
	double scale() {
		return (double) this.batchSize / this.plan.batchSize();
	}

	/**
	 * @return batches the run takes, at least one
	 */
	long batches() {
		return Math.max(1, (this.plan.keys() + this.batchSize - 1) / this.batchSize);
	}

	/**
	 * A trimmed mean: a sample that met a checkpoint or a cold page says little about the
	 * thousands of batches.
	 * @return the run's predicted seconds
	 */
	double seconds() {
		int trim = (int) (this.millis.length * TRIM);
		double mean = Arrays.stream(this.millis, trim, this.millis.length - trim).average().orElse(0);
		return batches() * mean / 1000;
	}

	/**
	 * @return the run's seconds with every batch as fast as the samples' 10th percentile
	 */
	double secondsLow() {
		return batches() * percentile(this.millis, 0.10) / 1000;
	}

	/**
	 * @return the run's seconds with every batch as slow as the samples' 90th percentile
	 */
	double secondsHigh() {
		return batches() * percentile(this.millis, 0.90) / 1000;
	}

	/**
	 * @return the pending rows a second the prediction implies, 0 without a prediction
	 */
	double rowsPerSecond() {
		double seconds = seconds();
		return (seconds > 0) ? this.plan.pending() / seconds : 0;
	}

	/**
	 * @return how long a batch holds its row locks, at the size estimated for
	 */
	long maxBatchMillis() {
		double longest = 0;
		for (Timed sample : this.samples) {
			longest = Math.max(longest, sample.transactionMillisAt(scale()));
		}
		return (long) Math.ceil(longest);
	}

	/**
	 * @return a batch size that keeps batches near the target, or 0 when they are short
	 */
	int suggestedBatchSize() {
		long maxMillis = maxBatchMillis();
		if (maxMillis <= LOCK_LIMIT_MILLIS) {
			return 0;
		}
		return (int) Math.max(1, this.batchSize * this.target.target().toMillis() / maxMillis);
	}

	Optional<String> lockWarning() {
		int suggested = suggestedBatchSize();
		if (suggested == 0) {
			return Optional.empty();
		}
		return Optional.of(String.format(
				"A sampled batch held its transaction, and its row locks, for %,d ms (over "
						+ "1 s). A batch size of %d keeps batches near %d ms.",
				maxBatchMillis(), suggested, this.target.target().toMillis()));
	}

	/**
	 * @return mean WAL bytes a batch writes, at the size estimated for
	 */
	long walBytesPerBatch() {
		return Math.round(scale() * this.samples.stream().mapToLong((s) -> s.sample().walBytes()).average().orElse(0));
	}

	/**
	 * @return mean rows a batch changes, at the size estimated for
	 */
	double rowsPerBatch() {
		return scale() * this.samples.stream().mapToLong((s) -> s.sample().rows()).average().orElse(0);
	}

	private double plannerShare() {
		return (double) this.plan.pending() / this.plan.keys();
	}

	private double sampledShare() {
		long keys = sum(Estimate.Sample::keys);
		return (keys > 0) ? (double) sum(Estimate.Sample::rows) / keys : 0;
	}

	/**
	 * @param table the table, as the user reads it
	 * @return a warning when the planner's pending share and the sample's differ more
	 * than twice, on enough keys
	 */
	Optional<String> statisticsWarning(Object table) {
		double planner = plannerShare();
		double sampled = sampledShare();
		if (sum(Estimate.Sample::keys) < 1000 || Math.abs(planner - sampled) <= 0.01
				|| (sampled <= 2 * planner && planner <= 2 * sampled)) {
			return Optional.empty();
		}
		return Optional.of(String.format(
				"The planner expects %.0f%% of rows to be pending, the sample found %.0f%%: "
						+ "statistics look stale. Run ANALYZE %s and dry-run again.",
				100 * planner, 100 * sampled, table));
	}

	/**
	 * @return how the rows were estimated, in words
	 */
	String rowsEstimatedBy() {
		return String.format(
				"planner: ~%,d rows in pg_class.reltuples, %.1f%% of them matching the pending "
						+ "predicate; the sample found %.1f%% pending in %,d keys",
				this.plan.keys(), 100 * plannerShare(), 100 * sampledShare(), sum(Estimate.Sample::keys));
	}

	/**
	 * @param between how a batch's cost besides its probe and work was measured, in words
	 * @return how the wall time was reached, in words: what was measured, what assumed
	 */
	String timeEstimatedBy(String between) {
		String scaled = (this.batchSize == this.plan.batchSize()) ? "each sample's probe and work"
				: String.format("each sample's probe, its work and its commit scaled from %,d to %,d keys (the size "
						+ "an adaptive run settles at)", this.plan.batchSize(), this.batchSize);
		return String.format("%s, plus %s; times the %,d batches, as if the run met the table as the samples did",
				scaled, between, batches());
	}

	/**
	 * Sets the run's figures: its size, the planner's counts, time, locks and writes.
	 * @param estimate the estimate being built
	 * @return the same builder
	 */
	Estimate.Builder into(Estimate.Builder estimate) {
		long batches = batches();
		long walPerBatch = walBytesPerBatch();
		return estimate.batchSize(this.batchSize, this.adaptive)
			.planned(this.plan.keys(), this.plan.pending(), rowsEstimatedBy())
			.duration(batches, seconds(), secondsLow(), secondsHigh(), rowsPerSecond())
			.locks(maxBatchMillis(), suggestedBatchSize())
			.writes(walPerBatch, walPerBatch * batches, rowsPerBatch());
	}

	private long sum(ToLongFunction<Estimate.Sample> figure) {
		return this.samples.stream().map(Timed::sample).mapToLong(figure).sum();
	}

	/**
	 * What a warm run pays per batch besides the probe, the work and the commit: the
	 * median of the later half of the calibration batches, less their commit.
	 * @param costs each calibration batch's time, call to call
	 * @param completions each one's commit
	 * @return milliseconds per batch
	 */
	static double overheadMillis(List<Double> costs, List<Double> completions) {
		return laterMedian(costs) - laterMedian(completions);
	}

	private static double laterMedian(List<Double> values) {
		double[] sorted = values.subList(values.size() / 2, values.size())
			.stream()
			.mapToDouble(Double::doubleValue)
			.sorted()
			.toArray();
		return percentile(sorted, 0.5);
	}

	// linear interpolation between the closest ranks
	static double percentile(double[] sorted, double p) {
		if (sorted.length == 0) {
			return 0;
		}
		double rank = p * (sorted.length - 1);
		int low = (int) Math.floor(rank);
		int high = (int) Math.ceil(rank);
		return sorted[low] + (sorted[high] - sorted[low]) * (rank - low);
	}

	/**
	 * A sampled batch, with the parts of its time that scale with the batch size: its
	 * statement, and its commit, which flushes the WAL the statement wrote; the rest of
	 * its cost (probe, log row, step update) does not.
	 *
	 * @param sample the sample as the estimate shows it
	 * @param workMillis its statement's time
	 * @param flushMillis its commit's time
	 */
	record Timed(Estimate.Sample sample, double workMillis, double flushMillis) {

		Timed(Estimate.Sample sample, double workMillis) {
			this(sample, workMillis, 0);
		}

		// never below nothing, for a run that settles smaller than sampled
		double millisAt(double scale) {
			return Math.max(0, this.sample.millis() + (this.workMillis + this.flushMillis) * (scale - 1));
		}

		double transactionMillisAt(double scale) {
			return Math.max(0, this.sample.transactionMillis() + (this.workMillis + this.flushMillis) * (scale - 1));
		}

	}

}
