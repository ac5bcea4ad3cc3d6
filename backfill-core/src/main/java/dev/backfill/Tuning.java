package dev.backfill;

import java.util.List;

/**
 * One backfill's own engine settings and throttles, in place of an operator's defaults
 * for it.
 *
 * @param settings the backfill's settings
 * @param throttles asked before every batch of its runs, in order
 * @since 0.1.0
 */
public record Tuning(BackfillSettings settings, List<BackfillThrottle> throttles) {

	/** Copies the throttles. */
	public Tuning {
		throttles = List.copyOf(throttles);
	}

}
