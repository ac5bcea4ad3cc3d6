package dev.backfill;

import java.time.Duration;

/**
 * Engine settings that apply to every backfill unless a declaration or a run overrides
 * them.
 *
 * @param batchSize keys per batch
 * @param lockTimeout longest wait for a row or table lock inside a batch
 * ({@code SET LOCAL lock_timeout})
 * @param statementTimeout longest statement inside a batch
 * ({@code SET LOCAL statement_timeout})
 * @param tablePrefix prefix of the library's tables, such as {@code BACKFILL_} for
 * {@code BACKFILL_BATCH_LOG}
 * @param retry how a batch that meets a lock, a timeout or a deadlock is retried
 * @param sizing how batches adapt when no batch size is fixed; {@code batchSize} is then
 * the first batch's size
 * @since 0.1.0
 */
public record BackfillSettings(int batchSize, Duration lockTimeout, Duration statementTimeout, String tablePrefix,
		Retry retry, BatchSizing sizing) {

	/**
	 * Default lock timeout: a production row lock is never waited on for more than a
	 * second.
	 */
	public static final Duration DEFAULT_LOCK_TIMEOUT = Duration.ofSeconds(1);

	/** Default statement timeout. */
	public static final Duration DEFAULT_STATEMENT_TIMEOUT = statementTimeoutFor(BatchSizing.DEFAULTS);

	/** Default table prefix. */
	public static final String DEFAULT_TABLE_PREFIX = "BACKFILL_";

	/** The defaults. */
	public static final BackfillSettings DEFAULTS = new BackfillSettings(Backfill.DEFAULT_BATCH_SIZE,
			DEFAULT_LOCK_TIMEOUT, DEFAULT_STATEMENT_TIMEOUT, DEFAULT_TABLE_PREFIX, Retry.DEFAULTS,
			BatchSizing.DEFAULTS);

	/**
	 * The statement timeout that suits a sizing: ten times the target batch duration, at
	 * least 5 s (30 s when batch sizes are fixed).
	 * @param sizing the batch sizing
	 * @return the timeout
	 */
	public static Duration statementTimeoutFor(BatchSizing sizing) {
		if (!sizing.adapts()) {
			return Duration.ofSeconds(30);
		}
		Duration tenTimes = sizing.target().multipliedBy(10);
		return (tenTimes.compareTo(Duration.ofSeconds(5)) > 0) ? tenTimes : Duration.ofSeconds(5);
	}

	/**
	 * Settings with the default batch sizing.
	 * @param batchSize keys per batch, or of the first batch when batches adapt
	 * @param lockTimeout longest wait for a lock inside a batch
	 * @param statementTimeout longest statement inside a batch
	 * @param tablePrefix prefix of the library's tables
	 * @param retry how batches are retried
	 */
	public BackfillSettings(int batchSize, Duration lockTimeout, Duration statementTimeout, String tablePrefix,
			Retry retry) {
		this(batchSize, lockTimeout, statementTimeout, tablePrefix, retry, BatchSizing.DEFAULTS);
	}

	/**
	 * Settings with the default retries and batch sizing.
	 * @param batchSize keys per batch
	 * @param lockTimeout longest wait for a lock inside a batch
	 * @param statementTimeout longest statement inside a batch
	 * @param tablePrefix prefix of the library's tables
	 */
	public BackfillSettings(int batchSize, Duration lockTimeout, Duration statementTimeout, String tablePrefix) {
		this(batchSize, lockTimeout, statementTimeout, tablePrefix, Retry.DEFAULTS, BatchSizing.DEFAULTS);
	}

	/**
	 * Validates the settings.
	 * @throws IllegalArgumentException when a value is out of range
	 */
	public BackfillSettings {
		if (batchSize <= 0) {
			throw new IllegalArgumentException("backfill batch size " + batchSize + " must be positive, such as 5000");
		}
		if (lockTimeout.isNegative() || statementTimeout.isNegative()) {
			throw new IllegalArgumentException("backfill timeouts must not be negative (0 disables one)");
		}
	}

}
