package dev.backfill.engine;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Rows and keys per second over the most recent batches, wall time between commits
 * included.
 */
final class Throughput {

	private static final int WINDOW = 20;

	private final Deque<long[]> samples = new ArrayDeque<>();

	private long rows;

	private long keys;

	private long nanos;

	/**
	 * Rests between the window's batches that belong to the run's pace (a rate cap's, the
	 * impact budget's).
	 */
	private long restNanos;

	/**
	 * @param batchNanos the batch's working time
	 * @param rest the rest before it that is part of the run's pace, left out of the rate
	 * but not of the ETA
	 */
	void add(long batchRows, long batchKeys, long batchNanos, long rest) {
		this.samples.addLast(new long[] { batchRows, batchKeys, batchNanos, rest });
		this.rows += batchRows;
		this.keys += batchKeys;
		this.nanos += batchNanos;
		this.restNanos += rest;
		if (this.samples.size() > WINDOW) {
			long[] old = this.samples.removeFirst();
			this.rows -= old[0];
			this.keys -= old[1];
			this.nanos -= old[2];
			this.restNanos -= old[3];
		}
	}

	double rowsPerSecond() {
		return (this.nanos == 0) ? 0 : this.rows * 1e9 / this.nanos;
	}

	/**
	 * Share of covered keys that were pending, over the window; NaN before the first
	 * batch.
	 */
	double pendingShare() {
		return (this.keys == 0) ? Double.NaN : (double) this.rows / this.keys;
	}

	/**
	 * Keys per second of wall time with the window's rests: the pace an ETA can count on.
	 */
	double pacedKeysPerSecond() {
		return (this.nanos == 0) ? 0 : this.keys * 1e9 / (this.nanos + this.restNanos);
	}

}
