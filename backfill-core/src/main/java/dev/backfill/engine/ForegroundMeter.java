package dev.backfill.engine;

import java.time.Duration;

import dev.backfill.BackfillThrottle.Foreground;

/**
 * Measures the other sessions' write rate while the run's batches run and between them,
 * from the transaction ids they take. The engine reads the snapshot's {@code xmax} each
 * time it asks the throttles: the interval since the previous reading was a batch when
 * one ran in it, else time between batches (holds and checks).
 */
final class ForegroundMeter {

	private static final double HALF_LIFE_SECONDS = 10;

	// a batch's own transaction ids: its transaction and the savepoint its work writes in
	private static final int OWN_PER_BATCH = 2;

	private double idleTransactions;

	private double idleSeconds;

	private double busyTransactions;

	private double busySeconds;

	private long lastXmax = -1;

	private long lastNanos;

	/** The run's batches since the last reading: this process's, and others'. */
	private long batches;

	private boolean batchRan;

	private long lastBatchNanos;

	private long lastBatchEndNanos;

	/**
	 * A batch's work was done since the last reading; a failed attempt waited on a lock
	 * rather than loaded the database.
	 */
	void batchRan() {
		this.batchRan = true;
		this.batches++;
	}

	/**
	 * Batches of the same run committed by other processes since the last reading: their
	 * transaction ids are the run's, not the application's.
	 * @param batches how many
	 */
	void ranElsewhere(long batches) {
		this.batches += Math.max(0, batches);
	}

	/**
	 * Takes a reading.
	 * @param xmax the snapshot's xmax now
	 * @param nanos {@link System#nanoTime()} now
	 */
	void read(long xmax, long nanos) {
		if (this.lastXmax >= 0 && nanos > this.lastNanos) {
			double seconds = (nanos - this.lastNanos) / 1e9;
			double keep = Math.pow(0.5, seconds / HALF_LIFE_SECONDS);
			this.idleTransactions *= keep;
			this.idleSeconds *= keep;
			this.busyTransactions *= keep;
			this.busySeconds *= keep;
			long others = Math.max(0, xmax - this.lastXmax - OWN_PER_BATCH * this.batches);
			if (this.batchRan) {
				this.busyTransactions += others;
				this.busySeconds += seconds;
				this.lastBatchNanos = nanos - this.lastNanos;
				this.lastBatchEndNanos = nanos;
			}
			else {
				this.idleTransactions += others;
				this.idleSeconds += seconds;
			}
		}
		this.lastXmax = xmax;
		this.lastNanos = nanos;
		this.batchRan = false;
		this.batches = 0;
	}

	/**
	 * @param nanos {@link System#nanoTime()} now
	 * @return what was measured so far
	 */
	Foreground foreground(long nanos) {
		return new Foreground((this.idleSeconds > 0) ? this.idleTransactions / this.idleSeconds : 0,
				(this.busySeconds > 0) ? this.busyTransactions / this.busySeconds : 0, this.idleSeconds,
				this.busySeconds, Duration.ofNanos(this.lastBatchNanos),
				Duration.ofNanos((this.lastBatchNanos > 0) ? nanos - this.lastBatchEndNanos : 0));
	}

}
