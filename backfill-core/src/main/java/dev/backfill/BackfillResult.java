package dev.backfill;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * How a run ended in this process.
 *
 * @param backfill the backfill name
 * @param state {@link BackfillState#COMPLETED}, {@link BackfillState#FAILED} or
 * {@link BackfillState#STOPPED}; for a rollback with nothing to undo,
 * {@link BackfillState#NOTHING_TO_ROLL_BACK}
 * @param jobExecutionId the Spring Batch job execution of this process's part of the run
 * @param resumed whether it resumed an earlier, unfinished execution
 * @param rows rows changed in this process; for a run handed to worker processes
 * ({@code --remote}), the rows its workers changed in this execution
 * @param batches batches committed in this process; for a run handed to worker processes,
 * the batches its workers committed in this execution
 * @param rowsDone rows changed by the whole run, across restarts
 * @param wallTime wall time in this process
 * @param failure what failed, or {@code null}
 * @since 0.1.0
 */
public record BackfillResult(String backfill, BackfillState state, long jobExecutionId, boolean resumed, long rows,
		long batches, long rowsDone, Duration wallTime, @Nullable String failure) {

	/**
	 * The outcome of a rollback that found no batch committed since the last rollback.
	 * @param backfill the backfill name
	 * @return a result of state {@link BackfillState#NOTHING_TO_ROLL_BACK}, with no job
	 * execution (0), rows or batches
	 */
	public static BackfillResult nothingToRollBack(String backfill) {
		return new BackfillResult(backfill, BackfillState.NOTHING_TO_ROLL_BACK, 0, false, 0, 0, 0, Duration.ZERO, null);
	}

	/**
	 * @return rows changed per second of wall time in this process
	 */
	public double rowsPerSecond() {
		long millis = this.wallTime.toMillis();
		return (millis == 0) ? 0 : this.rows * 1000.0 / millis;
	}

}
