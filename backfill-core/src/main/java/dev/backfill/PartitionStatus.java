package dev.backfill;

import org.jspecify.annotations.Nullable;

/**
 * One partition of a run split into partitions, as the job repository and its lock say:
 * its range of keys, who walks it, and how far it came.
 *
 * @param partition its number, from 1, in key order
 * @param range its keys, such as {@code (1000, 2000]}, {@code [start, 1000]} or
 * {@code (9000, end]}
 * @param state {@link BackfillState#WAITING} until a thread or a worker takes it, then as
 * a run's: running, dead (its worker died, it waits to be taken again), stopped, failed
 * or completed
 * @param batches batches it committed
 * @param rowsDone rows it changed
 * @param rowsRemainingEstimate rows estimated still to change in its range
 * @param lastKey its checkpoint: the upper bound of its last committed batch, or
 * {@code null} before its first
 * @param rowsPerSecond its recent rows per second while it runs, else 0
 * @param worker host and pid of the process that walks or walked it, or {@code null}
 * before one took it
 * @since 0.2.0
 */
public record PartitionStatus(int partition, String range, BackfillState state, long batches, long rowsDone,
		long rowsRemainingEstimate, @Nullable String lastKey, double rowsPerSecond, @Nullable String worker) {
}
