package dev.backfill.throttle;

import java.time.Duration;

import dev.backfill.BackfillThrottle;

/**
 * Caps a run's rate over its wall time: holds while the rows changed so far would have
 * taken longer at the cap.
 *
 * @param limit rows per second, above 0
 * @since 0.1.0
 */
public record MaxRowsPerSecond(double limit) implements BackfillThrottle {

	/**
	 * Validates the cap.
	 * @throws IllegalArgumentException when it is not above 0
	 */
	public MaxRowsPerSecond {
		if (!(limit > 0)) {
			throw new IllegalArgumentException("backfill max rows per second " + limit + " must be above 0");
		}
	}

	@Override
	public Decision check(Context context) {
		double ahead = context.rowsDone() / this.limit - context.elapsedSeconds();
		return (ahead > 0) ? Decision.hold(String.format("rate cap %,.0f rows/s", this.limit),
				Duration.ofMillis(Math.max(1, Math.round(ahead * 1000)))) : Decision.proceed();
	}

}
