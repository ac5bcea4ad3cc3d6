package dev.backfill;

import java.time.Duration;

/**
 * How a run sizes its batches when no batch size is fixed (by the declaration or the
 * run): it starts at the configured size and, after each batch, aims the next one at
 * {@code target} from the keys per second it measured, growing by at most half a batch
 * per step and shrinking at once after a slow batch, within {@code min} and {@code max}.
 *
 * @param target how long a batch's statement should hold its row locks; zero keeps every
 * batch at the configured size
 * @param min fewest keys per batch
 * @param max most keys per batch
 * @since 0.1.0
 */
public record BatchSizing(Duration target, int min, int max) {

	/**
	 * Batches of about half a second, from 100 to 10,000 keys. The maximum bounds a
	 * batch's lock footprint: an application transaction that touches a row of the batch
	 * waits for its commit. Batches of 100,000 keys on a 2,000,000-row table held 5% of
	 * its rows at a time, and pgbench's p99 latency rose to 15.7× its baseline
	 * (docs/benchmarks.md, production impact).
	 */
	public static final BatchSizing DEFAULTS = new BatchSizing(Duration.ofMillis(500), 100, 10_000);

	/** Most a batch grows in one step. */
	static final double MAX_GROWTH = 1.5;

	/**
	 * Validates the sizing.
	 * @throws IllegalArgumentException when a value is out of range
	 */
	public BatchSizing {
		if (target.isNegative()) {
			throw new IllegalArgumentException("backfill target batch duration must not be negative (0: fixed size)");
		}
		if (min < 1 || max < min) {
			throw new IllegalArgumentException("backfill batch sizes need 1 <= min (" + min + ") <= max (" + max + ")");
		}
	}

	/**
	 * @return whether batches adapt at all
	 */
	public boolean adapts() {
		return !this.target.isZero();
	}

	/**
	 * The size of the next batch.
	 * @param size the size of the batch just done
	 * @param keysPerMilli keys per millisecond of that batch
	 * @param smoothedKeysPerMilli keys per millisecond over recent batches
	 * @param slow whether that batch took longer than the target
	 * @return the next size, within bounds
	 */
	public int next(int size, double keysPerMilli, double smoothedKeysPerMilli, boolean slow) {
		double aim = this.target.toMillis() * (slow ? keysPerMilli : smoothedKeysPerMilli);
		double next = slow ? aim : Math.min(aim, size * MAX_GROWTH);
		return (int) Math.max(this.min, Math.min(this.max, Math.round(next)));
	}

}
