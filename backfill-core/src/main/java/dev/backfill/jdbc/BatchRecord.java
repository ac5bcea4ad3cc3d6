package dev.backfill.jdbc;

import java.time.Instant;

/**
 * One row of the batch log: a committed batch's boundaries and what it did.
 *
 * @param backfill the backfill name
 * @param jobExecutionId the Spring Batch job execution
 * @param stepExecutionId the Spring Batch step execution
 * @param batchNo the batch number, counted from 1 across restarts of one run
 * @param fromKey the lower bound, as text: exclusive, but for the first range of a walk
 * @param fromIncluded whether {@code fromKey} is in the range: the first range of a walk
 * starts at the smallest key
 * @param toKey the inclusive upper bound, as text
 * @param keys how many keys the range holds
 * @param rowsAffected rows the batch changed
 * @param startedAt when the batch started
 * @param durationMs how long its work took, in milliseconds
 * @param attempt the attempt that committed it, 1 unless attempts before it failed (see
 * {@link FailedAttempt})
 * @param partition the run's partition, from 1, or 0 for a walk in one step; batches are
 * numbered per partition
 */
public record BatchRecord(String backfill, long jobExecutionId, long stepExecutionId, long batchNo, String fromKey,
		boolean fromIncluded, String toKey, long keys, long rowsAffected, Instant startedAt, long durationMs,
		int attempt, int partition) {
}
