package dev.backfill.engine;

import java.time.Duration;

import dev.backfill.PartitionQueue;

/**
 * How a run hands its partitions to worker processes.
 *
 * @param queue where partitions are put for the workers
 * @param pollInterval how often the run reads its partitions' state from the job
 * repository
 * @param staleAfter how long a running partition may go without an update before its
 * worker is taken for hung
 */
record RemoteSettings(PartitionQueue queue, Duration pollInterval, Duration staleAfter) {

	RemoteSettings {
		if (pollInterval.isNegative() || pollInterval.isZero() || staleAfter.compareTo(pollInterval) <= 0) {
			throw new IllegalArgumentException("poll interval " + pollInterval + " must be positive, and the time a "
					+ "partition may go without progress " + staleAfter + " longer than it");
		}
	}

}
