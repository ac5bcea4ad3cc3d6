package dev.backfill.engine;

import org.jspecify.annotations.Nullable;
import org.springframework.batch.infrastructure.item.ExecutionContext;

/**
 * How a run goes, as its last committed batch saw it: what is left, how fast, and how its
 * batches are sized. Kept in the step's {@link ExecutionContext} beside the
 * {@link dev.backfill.jdbc.Checkpoint}, and moves with it, so that any process reads the
 * status of a run another one is doing or left.
 *
 * @param rowsRemaining rows estimated still to change
 * @param rowsPerSecond rows changed per second over recent batches
 * @param etaSeconds estimated seconds left, 0 when done
 * @param batchSize keys per batch
 * @param adaptive whether the batches adapt their size
 * @param throttledSeconds seconds throttles held the run in this process
 */
record RunStats(long rowsRemaining, double rowsPerSecond, long etaSeconds, int batchSize, boolean adaptive,
		double throttledSeconds) {

	// the keys of every release: a run started by an older one reports with this one
	private static final String ROWS_REMAINING = "backfill.rowsRemaining";

	private static final String ROWS_PER_SECOND = "backfill.rowsPerSecond";

	private static final String ETA_SECONDS = "backfill.etaSeconds";

	private static final String BATCH_SIZE = "backfill.batchSize";

	private static final String ADAPTIVE = "backfill.adaptive";

	private static final String THROTTLED_SECONDS = "backfill.throttledSeconds";

	/**
	 * @param context a step execution context
	 * @return the statistics it holds, or {@code null} before the run's first batch
	 */
	static @Nullable RunStats from(ExecutionContext context) {
		if (!context.containsKey(ROWS_REMAINING)) {
			return null;
		}
		return new RunStats(context.getLong(ROWS_REMAINING),
				context.containsKey(ROWS_PER_SECOND) ? context.getDouble(ROWS_PER_SECOND) : 0,
				context.containsKey(ETA_SECONDS) ? context.getLong(ETA_SECONDS) : 0,
				context.containsKey(BATCH_SIZE) ? context.getInt(BATCH_SIZE) : 0,
				context.containsKey(ADAPTIVE) && "true".equals(context.getString(ADAPTIVE)),
				context.containsKey(THROTTLED_SECONDS) ? context.getDouble(THROTTLED_SECONDS) : 0);
	}

	/**
	 * Writes the statistics into a step's context, in the batch's transaction.
	 * @param context the step execution context
	 */
	void writeTo(ExecutionContext context) {
		context.putLong(ROWS_REMAINING, this.rowsRemaining);
		context.putDouble(ROWS_PER_SECOND, this.rowsPerSecond);
		context.putLong(ETA_SECONDS, this.etaSeconds);
		context.putInt(BATCH_SIZE, this.batchSize);
		// as text, as it always was
		context.putString(ADAPTIVE, String.valueOf(this.adaptive));
		context.putDouble(THROTTLED_SECONDS, this.throttledSeconds);
	}

}
