package dev.backfill;

import java.time.Duration;

/**
 * When a finished backfill, and the old path it replaced, should be removed from the
 * code: a migration is not done until the old path is gone. {@code backfill list} and the
 * application's startup log flag a backfill whose run completed and whose latest verify
 * passed longer than {@code after} ago.
 *
 * @param after how long after the passing verify
 * @param what what to remove, such as
 * {@code "drop column customers.email, then this backfill"}
 * @since 0.1.0
 */
public record Removal(Duration after, String what) {

	/** Thirty days after the verify, the backfill and the old path it replaced. */
	public static final Removal DEFAULT = new Removal(Duration.ofDays(30),
			"remove this backfill's declaration and the old path it replaced");

	/**
	 * Validates the removal.
	 * @throws InvalidBackfillException when {@code after} is negative or {@code what} is
	 * blank
	 */
	public Removal {
		if (after.isNegative()) {
			throw new InvalidBackfillException("A removal delay must not be negative, such as Duration.ofDays(30).");
		}
		if (what.isBlank()) {
			throw new InvalidBackfillException("Say what to remove, such as \"drop column customers.email\".");
		}
	}

}
