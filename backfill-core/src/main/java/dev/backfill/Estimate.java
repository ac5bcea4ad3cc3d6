package dev.backfill;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * What a dry-run predicts for a whole run at one batch size, from batches it applied in
 * rolled-back transactions: its rows and batches, wall time with a range, the longest
 * batch transaction, the WAL it writes, and whether a batch applied twice changes
 * anything the second time.
 *
 * @param backfill the backfill name
 * @param jobExecutionId the dry-run's job execution in the job repository
 * @param at when the dry-run ended
 * @param batchSize keys per batch estimated for; for an adaptive run, the size its
 * batches settle at
 * @param adaptive whether the run's batches adapt their size to the target duration
 * @param keysEstimate keys the run walks, from {@code pg_class.reltuples} scaled by the
 * planner
 * @param rowsEstimate rows the run changes, from the planner's estimate of the pending
 * predicate
 * @param rowsEstimatedBy how {@code rowsEstimate} was reached, in words
 * @param batches batches the run takes
 * @param estimatedSeconds predicted wall time: the mean sampled batch times the batches
 * @param estimatedSecondsLow the same with every batch as fast as the sample's 10th
 * percentile
 * @param estimatedSecondsHigh the same with every batch as slow as the sample's 90th
 * percentile
 * @param rowsPerSecond the rate the prediction implies
 * @param maxBatchMillis the longest sampled batch transaction: how long a batch holds its
 * row locks
 * @param suggestedBatchSize a batch size that keeps batches near half a second, when a
 * sampled batch held its transaction more than a second; 0 otherwise
 * @param walBytesPerBatch mean WAL bytes a sampled batch wrote
 * @param walBytesEstimate predicted WAL bytes of the whole run
 * @param rowsPerBatch mean rows a sampled batch changed
 * @param idempotent whether a sampled batch applied twice changed nothing the second
 * time; {@code null} when no sampled batch had a pending row to try it on
 * @param idempotencyRange the range the check was made on, or {@code null}
 * @param rewrittenRows rows the second application wrote again (with equal values when
 * idempotent)
 * @param samples the sampled batches, in key order (empty when read back from the job
 * repository)
 * @param sampledBatches how many batches were sampled
 * @param sampleRows rows the dry-run changed and rolled back (samples, warm-up,
 * idempotency check): the dead tuples it left for vacuum
 * @param sampleWalBytes WAL bytes the dry-run wrote, though rolled back
 * @param warnings what the user should act on, in words
 * @param elapsedSeconds the dry-run's own time
 * @param parallelism the partitions the run is estimated for, 1 for one walk
 * @param parallelSpeedup how much faster that many sampled batches ran side by side than
 * one after the other, as the dry-run measured it; 1 for one walk
 * @param timeEstimatedBy how {@code estimatedSeconds} was reached, in words: what was
 * measured and what was assumed; empty for an estimate recorded before 0.3.0
 * @since 0.1.0
 */
public record Estimate(String backfill, long jobExecutionId, Instant at, int batchSize, boolean adaptive,
		long keysEstimate, long rowsEstimate, String rowsEstimatedBy, long batches, double estimatedSeconds,
		double estimatedSecondsLow, double estimatedSecondsHigh, double rowsPerSecond, long maxBatchMillis,
		int suggestedBatchSize, long walBytesPerBatch, long walBytesEstimate, double rowsPerBatch,
		@Nullable Boolean idempotent, @Nullable KeyRange idempotencyRange, long rewrittenRows, List<Sample> samples,
		int sampledBatches, long sampleRows, long sampleWalBytes, List<String> warnings, double elapsedSeconds,
		int parallelism, double parallelSpeedup, String timeEstimatedBy) {

	/**
	 * Copies the lists.
	 */
	public Estimate {
		samples = List.copyOf(samples);
		warnings = List.copyOf(warnings);
	}

	/**
	 * An estimate that does not say how its wall time was reached, as 0.2 built them.
	 * @since 0.2.0
	 */
	public Estimate(String backfill, long jobExecutionId, Instant at, int batchSize, boolean adaptive,
			long keysEstimate, long rowsEstimate, String rowsEstimatedBy, long batches, double estimatedSeconds,
			double estimatedSecondsLow, double estimatedSecondsHigh, double rowsPerSecond, long maxBatchMillis,
			int suggestedBatchSize, long walBytesPerBatch, long walBytesEstimate, double rowsPerBatch,
			@Nullable Boolean idempotent, @Nullable KeyRange idempotencyRange, long rewrittenRows, List<Sample> samples,
			int sampledBatches, long sampleRows, long sampleWalBytes, List<String> warnings, double elapsedSeconds,
			int parallelism, double parallelSpeedup) {
		this(backfill, jobExecutionId, at, batchSize, adaptive, keysEstimate, rowsEstimate, rowsEstimatedBy, batches,
				estimatedSeconds, estimatedSecondsLow, estimatedSecondsHigh, rowsPerSecond, maxBatchMillis,
				suggestedBatchSize, walBytesPerBatch, walBytesEstimate, rowsPerBatch, idempotent, idempotencyRange,
				rewrittenRows, samples, sampledBatches, sampleRows, sampleWalBytes, warnings, elapsedSeconds,
				parallelism, parallelSpeedup, "");
	}

	/**
	 * @return predicted wall time of the run at {@link #parallelism()}: the estimate of
	 * one walk over the measured speed-up
	 * @since 0.2.0
	 */
	public double estimatedSecondsInParallel() {
		return this.estimatedSeconds / this.parallelSpeedup;
	}

	/**
	 * Starts an estimate whose figures are then set by name, group by group, rather than
	 * by the position of 27 components.
	 * @param backfill the backfill name
	 * @param jobExecutionId the dry-run's job execution
	 * @param at when the dry-run ended
	 * @return a builder whose figures are all zero, none or empty
	 * @since 0.2.0
	 */
	public static Builder builder(String backfill, long jobExecutionId, Instant at) {
		return new Builder(backfill, jobExecutionId, at);
	}

	/**
	 * One sampled batch, applied and rolled back.
	 *
	 * @param range its keys
	 * @param keys keys in the range
	 * @param rows rows it changed
	 * @param millis its whole cost, as a run's batch costs: from finding the range to the
	 * next batch
	 * @param transactionMillis from its first write to its end: how long it held its row
	 * locks
	 * @param walBytes WAL it wrote
	 */
	public record Sample(KeyRange range, long keys, long rows, double millis, double transactionMillis, long walBytes) {
	}

	/**
	 * Builds an {@link Estimate} by groups of figures, each set by one method whose
	 * parameters are named as the components they set; a group left unset is zero, none
	 * or empty.
	 *
	 * @since 0.2.0
	 */
	public static final class Builder {

		private final String backfill;

		private final long jobExecutionId;

		private final Instant at;

		private Size size = new Size(0, false);

		private Planned planned = new Planned(0, 0, "");

		private Duration duration = new Duration(0, 0, 0, 0, 0);

		private Locks locks = new Locks(0, 0);

		private Writes writes = new Writes(0, 0, 0);

		private Idempotency idempotency = new Idempotency(null, null, 0);

		private Samples samples = new Samples(List.of(), 0);

		private Cost cost = new Cost(0, 0, 0);

		private List<String> warnings = List.of();

		private Parallel parallel = new Parallel(1, 1);

		private String timeEstimatedBy = "";

		private Builder(String backfill, long jobExecutionId, Instant at) {
			this.backfill = Objects.requireNonNull(backfill, "backfill");
			this.jobExecutionId = jobExecutionId;
			this.at = Objects.requireNonNull(at, "at");
		}

		/**
		 * Sets the size the run is estimated at.
		 * @param batchSize keys per batch
		 * @param adaptive whether the run's batches adapt their size
		 * @return this builder
		 */
		public Builder batchSize(int batchSize, boolean adaptive) {
			this.size = new Size(batchSize, adaptive);
			return this;
		}

		/**
		 * Sets what the planner expects the run to walk and change.
		 * @param keysEstimate keys the run walks
		 * @param rowsEstimate rows the run changes
		 * @param rowsEstimatedBy how {@code rowsEstimate} was reached, in words
		 * @return this builder
		 */
		public Builder planned(long keysEstimate, long rowsEstimate, String rowsEstimatedBy) {
			this.planned = new Planned(keysEstimate, rowsEstimate, Objects.requireNonNull(rowsEstimatedBy));
			return this;
		}

		/**
		 * Sets the run's predicted wall time.
		 * @param batches batches the run takes
		 * @param estimatedSeconds predicted wall time
		 * @param estimatedSecondsLow the same at the samples' 10th percentile
		 * @param estimatedSecondsHigh the same at the samples' 90th percentile
		 * @param rowsPerSecond the rate the prediction implies
		 * @return this builder
		 */
		public Builder duration(long batches, double estimatedSeconds, double estimatedSecondsLow,
				double estimatedSecondsHigh, double rowsPerSecond) {
			this.duration = new Duration(batches, estimatedSeconds, estimatedSecondsLow, estimatedSecondsHigh,
					rowsPerSecond);
			return this;
		}

		/**
		 * Sets how the wall time was reached.
		 * @param timeEstimatedBy what was measured and what was assumed, in words
		 * @return this builder
		 * @since 0.3.0
		 */
		public Builder timedBy(String timeEstimatedBy) {
			this.timeEstimatedBy = Objects.requireNonNull(timeEstimatedBy);
			return this;
		}

		/**
		 * Sets how long a batch holds its row locks.
		 * @param maxBatchMillis the longest sampled batch transaction
		 * @param suggestedBatchSize a batch size that keeps it near the target, or 0
		 * @return this builder
		 */
		public Builder locks(long maxBatchMillis, int suggestedBatchSize) {
			this.locks = new Locks(maxBatchMillis, suggestedBatchSize);
			return this;
		}

		/**
		 * Sets what the run writes.
		 * @param walBytesPerBatch mean WAL bytes per batch
		 * @param walBytesEstimate WAL bytes of the whole run
		 * @param rowsPerBatch mean rows a batch changes
		 * @return this builder
		 */
		public Builder writes(long walBytesPerBatch, long walBytesEstimate, double rowsPerBatch) {
			this.writes = new Writes(walBytesPerBatch, walBytesEstimate, rowsPerBatch);
			return this;
		}

		/**
		 * Sets the outcome of applying one sampled batch twice.
		 * @param idempotent whether the second time changed nothing, {@code null} when
		 * not checked
		 * @param idempotencyRange the range checked, or {@code null}
		 * @param rewrittenRows rows the second time wrote again
		 * @return this builder
		 */
		public Builder idempotency(@Nullable Boolean idempotent, @Nullable KeyRange idempotencyRange,
				long rewrittenRows) {
			this.idempotency = new Idempotency(idempotent, idempotencyRange, rewrittenRows);
			return this;
		}

		/**
		 * Sets the sampled batches.
		 * @param samples the samples kept, in key order (none when read back)
		 * @param sampledBatches how many batches were sampled
		 * @return this builder
		 */
		public Builder samples(List<Sample> samples, int sampledBatches) {
			this.samples = new Samples(List.copyOf(samples), sampledBatches);
			return this;
		}

		/**
		 * Sets what the dry-run itself cost.
		 * @param sampleRows rows it changed and rolled back
		 * @param sampleWalBytes WAL bytes it wrote
		 * @param elapsedSeconds its own time
		 * @return this builder
		 */
		public Builder cost(long sampleRows, long sampleWalBytes, double elapsedSeconds) {
			this.cost = new Cost(sampleRows, sampleWalBytes, elapsedSeconds);
			return this;
		}

		/**
		 * Sets what the user should act on.
		 * @param warnings the warnings, in words
		 * @return this builder
		 */
		public Builder warnings(List<String> warnings) {
			this.warnings = List.copyOf(warnings);
			return this;
		}

		/**
		 * Builds the estimate: the one place that knows the components' order.
		 * @return the estimate
		 */
		public Estimate build() {
			return new Estimate(this.backfill, this.jobExecutionId, this.at, this.size.batchSize(),
					this.size.adaptive(), this.planned.keysEstimate(), this.planned.rowsEstimate(),
					this.planned.rowsEstimatedBy(), this.duration.batches(), this.duration.estimatedSeconds(),
					this.duration.estimatedSecondsLow(), this.duration.estimatedSecondsHigh(),
					this.duration.rowsPerSecond(), this.locks.maxBatchMillis(), this.locks.suggestedBatchSize(),
					this.writes.walBytesPerBatch(), this.writes.walBytesEstimate(), this.writes.rowsPerBatch(),
					this.idempotency.idempotent(), this.idempotency.idempotencyRange(),
					this.idempotency.rewrittenRows(), this.samples.samples(), this.samples.sampledBatches(),
					this.cost.sampleRows(), this.cost.sampleWalBytes(), this.warnings, this.cost.elapsedSeconds(),
					this.parallel.parallelism(), this.parallel.speedup(), this.timeEstimatedBy);
		}

		/**
		 * @param parallelism the partitions the run is estimated for
		 * @param speedup how much faster that many sampled batches ran side by side
		 * @return this builder
		 * @since 0.2.0
		 */
		public Builder parallel(int parallelism, double speedup) {
			this.parallel = new Parallel(Math.max(1, parallelism), (speedup > 0) ? speedup : 1);
			return this;
		}

		private record Parallel(int parallelism, double speedup) {
		}

		private record Size(int batchSize, boolean adaptive) {
		}

		private record Planned(long keysEstimate, long rowsEstimate, String rowsEstimatedBy) {
		}

		private record Duration(long batches, double estimatedSeconds, double estimatedSecondsLow,
				double estimatedSecondsHigh, double rowsPerSecond) {
		}

		private record Locks(long maxBatchMillis, int suggestedBatchSize) {
		}

		private record Writes(long walBytesPerBatch, long walBytesEstimate, double rowsPerBatch) {
		}

		private record Idempotency(@Nullable Boolean idempotent, @Nullable KeyRange idempotencyRange,
				long rewrittenRows) {
		}

		private record Samples(List<Sample> samples, int sampledBatches) {
		}

		private record Cost(long sampleRows, long sampleWalBytes, double elapsedSeconds) {
		}

	}

}
