package dev.backfill.internal;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Rows and keys per second over the most recent batches, wall time between commits included.
 */
final class Throughput {

	private static final int WINDOW = 20;

	private final Deque<long[]> samples = new ArrayDeque<>();

	private long rows;

	private long keys;

	private long nanos;

	void add(long batchRows, long batchKeys, long batchNanos) {
		this.samples.addLast(new long[] { batchRows, batchKeys, batchNanos });
		this.rows += batchRows;
		this.keys += batchKeys;
		this.nanos += batchNanos;
		if (this.samples.size() > WINDOW) {
			long[] old = this.samples.removeFirst();
			this.rows -= old[0];
			this.keys -= old[1];
			this.nanos -= old[2];
		}
	}

	double rowsPerSecond() {
		return (this.nanos == 0) ? 0 : this.rows * 1e9 / this.nanos;
	}

	/** Share of covered keys that were pending, over the window; NaN before the first batch. */
	double pendingShare() {
		return (this.keys == 0) ? Double.NaN : (double) this.rows / this.keys;
	}

	double keysPerSecond() {
		return (this.nanos == 0) ? 0 : this.keys * 1e9 / this.nanos;
	}

}
