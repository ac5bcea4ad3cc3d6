package dev.backfill.engine;

/**
 * What is left of a run and when it ends, from the keys ahead at its start and the pace
 * of its recent batches.
 */
final class Forecast {

	/** Kept over the restarts of a run in one process: its pace does not restart. */
	private final Throughput throughput = new Throughput();

	private long keysAtStart;

	private double pendingShareAtStart;

	/**
	 * Starts, or restarts, from what the planner says is ahead.
	 * @param keys keys after the checkpoint
	 * @param pending pending rows after the checkpoint
	 */
	void start(long keys, long pending) {
		this.keysAtStart = keys;
		this.pendingShareAtStart = (keys == 0) ? 1.0 : Math.min(1.0, (double) pending / keys);
	}

	/**
	 * Counts a batch in the pace, and says what is left after it.
	 * @param rows rows the batch changed
	 * @param keys keys it covered
	 * @param batchNanos its working time, holds left out
	 * @param rest the rest before it that is part of the run's pace, left out of the rate
	 * but not of the ETA
	 * @param full whether the batch was full, so that keys may follow it
	 * @param size keys per batch
	 * @param keysBefore keys the batches before it covered in this process
	 * @return what is left
	 */
	Ahead after(long rows, long keys, long batchNanos, long rest, boolean full, int size, long keysBefore) {
		this.throughput.add(rows, keys, batchNanos, rest);
		long keysLeft = full ? Math.max(size, this.keysAtStart - keysBefore - keys) : 0;
		// the recent batches say best how dense the pending rows are ahead, since
		// statistics go stale as rows change; until they have met a pending row (a done
		// prefix), the planner's share at the start is better
		double recent = this.throughput.pendingShare();
		double share = (recent > 0) ? recent : this.pendingShareAtStart;
		double keysPerSecond = this.throughput.pacedKeysPerSecond();
		return new Ahead(Math.round(keysLeft * share), (keysPerSecond > 0) ? Math.round(keysLeft / keysPerSecond) : 0);
	}

	/**
	 * @return rows per second over the recent batches
	 */
	double rowsPerSecond() {
		return this.throughput.rowsPerSecond();
	}

	/**
	 * What is left of a run after a batch.
	 *
	 * @param rows rows estimated still to change
	 * @param etaSeconds estimated seconds to the end
	 */
	record Ahead(long rows, long etaSeconds) {
	}

}
