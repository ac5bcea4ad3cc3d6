package dev.backfill;

import java.util.List;

/**
 * One backfill's own engine settings and throttles, in place of an operator's defaults
 * for it.
 *
 * @param settings the backfill's settings
 * @param throttles asked before every batch of its runs, in order
 * @param parallelism how many partitions a new run is split into, overriding the
 * declaration's; 0 to keep the declaration's
 * @since 0.1.0
 */
public record Tuning(BackfillSettings settings, List<BackfillThrottle> throttles, int parallelism) {

	/**
	 * Copies the throttles and validates the parallelism.
	 * @throws IllegalArgumentException when the parallelism is negative or above
	 * {@link Backfill#MAX_PARALLELISM}
	 */
	public Tuning {
		throttles = List.copyOf(throttles);
		if (parallelism < 0 || parallelism > Backfill.MAX_PARALLELISM) {
			throw new IllegalArgumentException("parallelism " + parallelism + " must be from 1 to "
					+ Backfill.MAX_PARALLELISM + ", such as 4 (partitions walked side by side)");
		}
	}

	/**
	 * A tuning that keeps the declaration's parallelism.
	 * @param settings the backfill's settings
	 * @param throttles asked before every batch of its runs, in order
	 */
	public Tuning(BackfillSettings settings, List<BackfillThrottle> throttles) {
		this(settings, throttles, 0);
	}

}
