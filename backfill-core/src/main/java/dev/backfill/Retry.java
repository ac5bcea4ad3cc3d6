package dev.backfill;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * How a batch that meets live traffic is retried: a lock timeout ({@code 55P03}), a
 * statement timeout ({@code 57014}), a deadlock ({@code 40P01}) or a serialization
 * failure ({@code 40001}) rolls the batch back and tries it again after an exponential
 * backoff with jitter, at half its size after a timeout. After {@code maxAttempts}
 * attempts of one batch the run fails; {@code backfill run} resumes it.
 *
 * @param maxAttempts attempts of one batch before the run fails, at least 1
 * @param backoff wait before the second attempt; it doubles with each further attempt
 * @param maxBackoff longest wait between two attempts
 * @since 0.1.0
 */
public record Retry(int maxAttempts, Duration backoff, Duration maxBackoff) {

	/** Five attempts, waiting about 0.5 s, 1 s, 2 s, 4 s between them, at most 30 s. */
	public static final Retry DEFAULTS = new Retry(5, Duration.ofMillis(500), Duration.ofSeconds(30));

	/**
	 * Validates the policy.
	 * @throws IllegalArgumentException when a value is out of range
	 */
	public Retry {
		if (maxAttempts < 1) {
			throw new IllegalArgumentException(
					"backfill retry max attempts " + maxAttempts + " must be at least 1 (1: no retry)");
		}
		if (backoff.isNegative() || maxBackoff.isNegative()) {
			throw new IllegalArgumentException("backfill retry backoffs must not be negative");
		}
	}

	/**
	 * The wait before an attempt: the backoff doubled per earlier retry, capped, then
	 * between half and all of it at random, so that several backfills blocked by the same
	 * lock do not come back together.
	 * @param attempt the attempt about to be made, 2 for the first retry
	 * @return the wait
	 */
	public Duration delayBefore(int attempt) {
		long base = this.backoff.toMillis() << Math.min(20, Math.max(0, attempt - 2));
		long capped = Math.min(base, this.maxBackoff.toMillis());
		return Duration.ofMillis(capped / 2 + ThreadLocalRandom.current().nextLong(capped / 2 + 1));
	}

}
