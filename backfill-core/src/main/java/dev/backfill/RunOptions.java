package dev.backfill;

/**
 * Settings of one run that override the declaration and the configuration.
 *
 * @param batchSize keys per batch, or 0 to keep the declared or configured size
 * @param parallelism how many partitions a new run is split into, walked side by side,
 * and how many of a resumed run's partitions this process walks at once; 0 to keep the
 * configured or declared parallelism
 * @since 0.1.0
 */
public record RunOptions(int batchSize, int parallelism) {

	/**
	 * Validates the options.
	 * @throws IllegalArgumentException when the batch size is negative, or the
	 * parallelism negative or above {@link Backfill#MAX_PARALLELISM}
	 */
	public RunOptions {
		if (batchSize < 0) {
			throw new IllegalArgumentException("Batch size " + batchSize + " must be positive, such as 5000");
		}
		if (parallelism < 0 || parallelism > Backfill.MAX_PARALLELISM) {
			throw new IllegalArgumentException(
					"Parallelism " + parallelism + " must be from 1 to " + Backfill.MAX_PARALLELISM + ", such as 4");
		}
	}

	/**
	 * Options that override the batch size only.
	 * @param batchSize keys per batch, or 0 to keep the declared or configured size
	 */
	public RunOptions(int batchSize) {
		this(batchSize, 0);
	}

	/**
	 * @return options that override nothing
	 */
	public static RunOptions defaults() {
		return new RunOptions(0, 0);
	}

}
