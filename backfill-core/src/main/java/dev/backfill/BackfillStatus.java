package dev.backfill;

import java.time.Instant;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * What the job repository and the run lock say about a backfill, readable from any
 * process, including for a run whose process died.
 *
 * @param backfill the backfill name
 * @param state the latest run's state
 * @param jobExecutionId the latest job execution, or {@code null} when never run
 * @param batches batches committed by the latest run
 * @param rowsDone rows changed by the latest run
 * @param rowsRemainingEstimate rows estimated still to change
 * @param lastKey the checkpoint: upper bound of the last committed batch, or {@code null}
 * @param rowsPerSecond recent rows per second of the latest run
 * @param etaSeconds estimated seconds left, 0 when done
 * @param startedAt when the latest execution started, or {@code null}
 * @param endedAt when it ended, or {@code null}
 * @param owner host and pid running it, or {@code null}
 * @param exitMessage the latest execution's exit description, or {@code null}
 * @param batchSize keys per batch of the latest run, or 0 when never run
 * @param runSeconds wall time of the latest run, summed over its executions (a resumed
 * run has several)
 * @param throttledSeconds seconds throttles held the latest run, left out of its rows per
 * second
 * @param estimate the latest dry-run's estimate, or {@code null} when none was made
 * @param estimateError for a completed run that a dry-run estimated beforehand at the
 * same batch size, the estimate's relative error against its wall time less the
 * throttles' holds ({@code 0.1}: predicted 10% too long); otherwise {@code null}
 * @param verification the latest completed verify, or {@code null} when none was made
 * @param partitions for a run split into partitions, each of them in key order (the
 * figures above are their sums, the rate of those running); empty for a run in one walk
 * @param schemas for a declaration over schemas, the status of each schema's walk, in
 * schema order (the figures above are their sums, the state the least advanced one's);
 * empty for a backfill of one table
 * @since 0.1.0
 */
public record BackfillStatus(String backfill, BackfillState state, @Nullable Long jobExecutionId, long batches,
		long rowsDone, long rowsRemainingEstimate, @Nullable String lastKey, double rowsPerSecond, long etaSeconds,
		@Nullable Instant startedAt, @Nullable Instant endedAt, @Nullable String owner, @Nullable String exitMessage,
		int batchSize, double runSeconds, double throttledSeconds, @Nullable Estimate estimate,
		@Nullable Double estimateError, @Nullable Verification verification, List<PartitionStatus> partitions,
		List<BackfillStatus> schemas) {

	/** Copies the partitions and the schemas. */
	public BackfillStatus {
		partitions = List.copyOf(partitions);
		schemas = List.copyOf(schemas);
	}

	/**
	 * The status of a backfill of one table, as before 0.3.0.
	 * @param backfill the backfill name
	 * @param state the latest run's state
	 * @param jobExecutionId the latest job execution, or {@code null} when never run
	 * @param batches batches committed by the latest run
	 * @param rowsDone rows changed by the latest run
	 * @param rowsRemainingEstimate rows estimated still to change
	 * @param lastKey the checkpoint, or {@code null}
	 * @param rowsPerSecond recent rows per second of the latest run
	 * @param etaSeconds estimated seconds left, 0 when done
	 * @param startedAt when the latest execution started, or {@code null}
	 * @param endedAt when it ended, or {@code null}
	 * @param owner host and pid running it, or {@code null}
	 * @param exitMessage the latest execution's exit description, or {@code null}
	 * @param batchSize keys per batch of the latest run, or 0 when never run
	 * @param runSeconds wall time of the latest run
	 * @param throttledSeconds seconds throttles held the latest run
	 * @param estimate the latest dry-run's estimate, or {@code null}
	 * @param estimateError the estimate's relative error, or {@code null}
	 * @param verification the latest completed verify, or {@code null}
	 * @param partitions the partitions of a run split into partitions
	 */
	public BackfillStatus(String backfill, BackfillState state, @Nullable Long jobExecutionId, long batches,
			long rowsDone, long rowsRemainingEstimate, @Nullable String lastKey, double rowsPerSecond, long etaSeconds,
			@Nullable Instant startedAt, @Nullable Instant endedAt, @Nullable String owner,
			@Nullable String exitMessage, int batchSize, double runSeconds, double throttledSeconds,
			@Nullable Estimate estimate, @Nullable Double estimateError, @Nullable Verification verification,
			List<PartitionStatus> partitions) {
		this(backfill, state, jobExecutionId, batches, rowsDone, rowsRemainingEstimate, lastKey, rowsPerSecond,
				etaSeconds, startedAt, endedAt, owner, exitMessage, batchSize, runSeconds, throttledSeconds, estimate,
				estimateError, verification, partitions, List.of());
	}

	/**
	 * The status of a backfill that was never run.
	 * @param backfill the backfill name
	 * @param rowsRemainingEstimate rows estimated to change
	 * @param estimate the latest dry-run's estimate, or {@code null}
	 * @param verification the latest completed verify, or {@code null}
	 * @return the status
	 * @since 0.1.0
	 */
	public static BackfillStatus neverRun(String backfill, long rowsRemainingEstimate, @Nullable Estimate estimate,
			@Nullable Verification verification) {
		return new BackfillStatus(backfill, BackfillState.NEVER_RUN, null, 0, 0, rowsRemainingEstimate, null, 0, 0,
				null, null, null, null, 0, 0, 0, estimate, null, verification, List.of());
	}

	/**
	 * The status of a backfill whose latest run a rollback undid: nothing of the run
	 * stands, and the next one starts from the first key.
	 * @param backfill the backfill name
	 * @param jobExecutionId the run's latest job execution
	 * @param startedAt when it started, or {@code null}
	 * @param endedAt when it ended, or {@code null}
	 * @param rowsRemainingEstimate rows estimated to change
	 * @param estimate the latest dry-run's estimate, or {@code null}
	 * @param verification the latest completed verify, or {@code null}
	 * @return the status
	 * @since 0.1.0
	 */
	public static BackfillStatus rolledBack(String backfill, long jobExecutionId, @Nullable Instant startedAt,
			@Nullable Instant endedAt, long rowsRemainingEstimate, @Nullable Estimate estimate,
			@Nullable Verification verification) {
		return new BackfillStatus(backfill, BackfillState.ROLLED_BACK, jobExecutionId, 0, 0, rowsRemainingEstimate,
				null, 0, 0, startedAt, endedAt, null, null, 0, 0, 0, estimate, null, verification, List.of());
	}

	/**
	 * Rows done as a share of rows done and rows estimated to remain. The rows remaining
	 * are an estimate, so a completed run, or one that changed rows and found nothing
	 * left, counts as all done.
	 * @return from 0 to 1
	 */
	public double fractionDone() {
		long total = this.rowsDone + this.rowsRemainingEstimate;
		if (total == 0) {
			return (this.rowsDone > 0 || this.state == BackfillState.COMPLETED) ? 1 : 0;
		}
		return (double) this.rowsDone / total;
	}

}
