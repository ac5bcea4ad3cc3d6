package dev.backfill.jdbc;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * One row of the batch log for an attempt at a batch that failed and changed nothing: its
 * probe for the range or its work met a lock timeout, a statement timeout, a deadlock or
 * a serialization failure, and was either tried again or, at the last attempt, failed the
 * run.
 *
 * @param backfill the backfill name
 * @param jobExecutionId the Spring Batch job execution
 * @param stepExecutionId the Spring Batch step execution
 * @param batchNo the number the batch commits under when an attempt succeeds
 * @param attempt the attempt, from 1
 * @param fromKey the lower bound, as text, exclusive unless {@code fromIncluded};
 * {@code null} when the probe for a walk's first range failed, before there was a range
 * @param fromIncluded whether {@code fromKey} is in the range (a walk's first range)
 * @param toKey the inclusive upper bound of the attempted range, as text; equal to
 * {@code fromKey} when the probe for the range's end failed, before there was a range
 * @param keys how many keys the attempted range held; 0 when the probe failed
 * @param retried whether the batch was tried again; {@code false} when this attempt
 * failed the run
 * @param sqlState the SQLSTATE of the failure
 * @param message the database's message
 * @param startedAt when the attempt started
 * @param durationMs how long it ran before it failed, in milliseconds
 * @param partition the run's partition, from 1, or 0 for a walk in one step
 */
public record FailedAttempt(String backfill, long jobExecutionId, long stepExecutionId, long batchNo, int attempt,
		@Nullable String fromKey, boolean fromIncluded, @Nullable String toKey, long keys, boolean retried,
		String sqlState, String message, Instant startedAt, long durationMs, int partition) {
}
