package dev.backfill;

import java.time.Instant;
import java.util.List;

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
 * @since 0.1.0
 */
public record Estimate(String backfill, long jobExecutionId, Instant at, int batchSize, boolean adaptive,
		long keysEstimate, long rowsEstimate, String rowsEstimatedBy, long batches, double estimatedSeconds,
		double estimatedSecondsLow, double estimatedSecondsHigh, double rowsPerSecond, long maxBatchMillis,
		int suggestedBatchSize, long walBytesPerBatch, long walBytesEstimate, double rowsPerBatch,
		@Nullable Boolean idempotent, @Nullable KeyRange idempotencyRange, long rewrittenRows, List<Sample> samples,
		int sampledBatches, long sampleRows, long sampleWalBytes, List<String> warnings, double elapsedSeconds) {

	/**
	 * Copies the lists.
	 */
	public Estimate {
		samples = List.copyOf(samples);
		warnings = List.copyOf(warnings);
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

}
