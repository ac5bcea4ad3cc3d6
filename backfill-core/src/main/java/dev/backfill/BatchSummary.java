package dev.backfill;

import java.time.Instant;
import java.util.Objects;

/**
 * One committed batch of a backfill, as its batch log holds it
 * ({@link BackfillOperator#recentBatches}).
 *
 * @param batchNo its number in the run, counted from 1 across restarts
 * @param from the lower key, as text: exclusive, but for the first batch of a walk
 * @param fromIncluded whether {@code from} is in the batch: the first batch of a walk
 * starts at the smallest key
 * @param to the inclusive upper key, as text
 * @param rows rows it changed
 * @param durationMs how long its work took, in milliseconds
 * @param startedAt when it started
 * @since 0.1.0
 */
public record BatchSummary(long batchNo, String from, boolean fromIncluded, String to, long rows, long durationMs,
		Instant startedAt) {

	/**
	 * Checks the batch.
	 * @param batchNo its number in the run
	 * @param from the lower key
	 * @param fromIncluded whether {@code from} is in the batch
	 * @param to the inclusive upper key
	 * @param rows rows it changed
	 * @param durationMs how long its work took
	 * @param startedAt when it started
	 */
	public BatchSummary {
		Objects.requireNonNull(from, "from");
		Objects.requireNonNull(to, "to");
		Objects.requireNonNull(startedAt, "startedAt");
	}

}
