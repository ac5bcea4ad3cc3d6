package dev.backfill.boot.actuate;

import java.time.Instant;
import java.util.List;

import dev.backfill.BackfillStatus;
import dev.backfill.Estimate;
import dev.backfill.Verification;
import dev.backfill.jdbc.BatchRecord;
import org.jspecify.annotations.Nullable;

/**
 * What the {@code backfills} endpoint and the status page show of one backfill: its
 * latest run's progress, rate and ETA, the latest dry-run and verify, and, for one
 * backfill, its recent batches. Plain values with no Actuator type, so the status page
 * renders them without Actuator on the classpath.
 *
 * @param name the backfill name
 * @param state the latest run's state, such as {@code RUNNING}
 * @param percentDone rows done as a share of rows done and rows estimated to remain, from
 * 0 to 100
 * @param rowsDone rows changed by the latest run
 * @param rowsRemainingEstimate rows estimated still to change
 * @param rowsPerSecond recent rows per second
 * @param etaSeconds estimated seconds left, 0 when done
 * @param batches batches committed by the latest run
 * @param lastKey the checkpoint, or {@code null}
 * @param startedAt when the latest execution started, or {@code null}
 * @param endedAt when it ended, or {@code null}
 * @param owner host and pid running it, or {@code null}
 * @param exitMessage the latest execution's exit description, or {@code null}
 * @param lastDryRun the latest dry-run's estimate, or {@code null}
 * @param lastVerify the latest verify, or {@code null}
 * @param recentBatches the latest committed batches, oldest first; {@code null} in the
 * list of all backfills
 * @since 0.1.0
 */
public record BackfillReport(String name, String state, double percentDone, long rowsDone, long rowsRemainingEstimate,
		double rowsPerSecond, long etaSeconds, long batches, @Nullable String lastKey, @Nullable Instant startedAt,
		@Nullable Instant endedAt, @Nullable String owner, @Nullable String exitMessage,
		@Nullable DryRunSummary lastDryRun, @Nullable VerifySummary lastVerify, @Nullable List<Batch> recentBatches) {

	/**
	 * Reports on a backfill.
	 * @param status its status
	 * @param recentBatches its latest committed batches, or {@code null} to leave them
	 * out
	 * @return the report
	 */
	public static BackfillReport of(BackfillStatus status, @Nullable List<BatchRecord> recentBatches) {
		return new BackfillReport(status.backfill(), status.state().name(),
				Math.round(1000 * status.fractionDone()) / 10.0, status.rowsDone(), status.rowsRemainingEstimate(),
				Math.round(status.rowsPerSecond() * 10) / 10.0, status.etaSeconds(), status.batches(), status.lastKey(),
				status.startedAt(), status.endedAt(), status.owner(), status.exitMessage(),
				(status.estimate() != null) ? DryRunSummary.of(status) : null,
				(status.verification() != null) ? VerifySummary.of(status.verification()) : null,
				(recentBatches != null) ? recentBatches.stream().map(Batch::of).toList() : null);
	}

	/**
	 * The latest dry-run's estimate, in brief.
	 *
	 * @param at when it ended
	 * @param batchSize keys per batch it estimated for
	 * @param adaptive whether the run's batches adapt their size
	 * @param rowsEstimate rows the run changes
	 * @param batches batches the run takes
	 * @param estimatedSeconds predicted wall time
	 * @param estimatedSecondsLow predicted wall time with every batch as fast as the
	 * sample's 10th percentile
	 * @param estimatedSecondsHigh the same as slow as its 90th percentile
	 * @param maxBatchMillis the longest sampled batch transaction
	 * @param idempotent whether a batch applied twice changed nothing the second time, or
	 * {@code null} when unchecked
	 * @param estimateError the estimate's relative error once a run it estimated
	 * completed, or {@code null}
	 * @since 0.1.0
	 */
	public record DryRunSummary(Instant at, int batchSize, boolean adaptive, long rowsEstimate, long batches,
			double estimatedSeconds, double estimatedSecondsLow, double estimatedSecondsHigh, long maxBatchMillis,
			@Nullable Boolean idempotent, @Nullable Double estimateError) {

		static DryRunSummary of(BackfillStatus status) {
			Estimate e = status.estimate();
			return new DryRunSummary(e.at(), e.batchSize(), e.adaptive(), e.rowsEstimate(), e.batches(),
					milli(e.estimatedSeconds()), milli(e.estimatedSecondsLow()), milli(e.estimatedSecondsHigh()),
					e.maxBatchMillis(), e.idempotent(),
					(status.estimateError() != null) ? milli(status.estimateError()) : null);
		}

		private static double milli(double value) {
			return Math.round(value * 1000) / 1000.0;
		}

	}

	/**
	 * The latest verify, in brief.
	 *
	 * @param at when it ended
	 * @param keysChecked keys it went over
	 * @param discrepancies discrepancies it logged
	 * @param passed whether it found nothing wrong
	 * @param firstKeys up to ten of the discrepant keys
	 * @since 0.1.0
	 */
	public record VerifySummary(Instant at, long keysChecked, long discrepancies, boolean passed,
			List<String> firstKeys) {

		static VerifySummary of(Verification v) {
			return new VerifySummary(v.at(), v.keysChecked(), v.discrepancies(), v.passed(), v.firstKeys());
		}

	}

	/**
	 * One committed batch of the batch log.
	 *
	 * @param batchNo its number in the run
	 * @param from the lower key: exclusive, but for the first batch of a run
	 * @param fromIncluded whether {@code from} is in the batch: the first batch starts at
	 * the smallest key
	 * @param to the inclusive upper key
	 * @param rows rows it changed
	 * @param durationMs how long its work took
	 * @param startedAt when it started
	 * @since 0.1.0
	 */
	public record Batch(long batchNo, String from, boolean fromIncluded, String to, long rows, long durationMs,
			Instant startedAt) {

		static Batch of(BatchRecord record) {
			return new Batch(record.batchNo(), record.fromKey(), record.fromIncluded(), record.toKey(),
					record.rowsAffected(), record.durationMs(), record.startedAt());
		}

	}

}
