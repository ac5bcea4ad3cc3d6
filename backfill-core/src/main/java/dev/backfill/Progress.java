package dev.backfill;

import java.time.Duration;

/**
 * Where a run stands after a committed batch: what the batch did, the totals so far, and
 * the estimate of what is left.
 *
 * @param backfill the backfill name
 * @param batchNo the batch just committed, counted from 1 across restarts of one run
 * @param range the batch's key range
 * @param batchRows rows the batch changed
 * @param batchMillis how long the batch's work took
 * @param rowsDone rows changed by the run so far, across restarts
 * @param rowsRemainingEstimate rows estimated still to change
 * @param rowsPerSecond rows changed per second over recent batches
 * @param etaSeconds estimated seconds to the end of the run
 * @param elapsed wall time of the current process's part of the run
 * @param batchKeys keys in the batch's range: its size
 * @since 0.1.0
 */
public record Progress(String backfill, long batchNo, KeyRange range, long batchRows, long batchMillis, long rowsDone,
		long rowsRemainingEstimate, double rowsPerSecond, long etaSeconds, Duration elapsed, long batchKeys) {

	/**
	 * @return the estimated share of the work done, from 0 to 1
	 */
	public double fractionDone() {
		long total = this.rowsDone + this.rowsRemainingEstimate;
		return (total == 0) ? 1.0 : (double) this.rowsDone / total;
	}

}
