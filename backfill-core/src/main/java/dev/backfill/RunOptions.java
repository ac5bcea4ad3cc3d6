package dev.backfill;

/**
 * Settings of one run that override the declaration and the configuration.
 *
 * @param batchSize keys per batch, or 0 to keep the declared or configured size
 * @param parallelism how many partitions a new run is split into, walked side by side,
 * and how many of a resumed run's partitions this process walks at once; 0 to keep the
 * configured or declared parallelism
 * @param remote whether worker processes ({@code backfill worker}) walk the partitions,
 * taken from a {@link PartitionQueue}, rather than threads of this process
 * @since 0.1.0
 */
public record RunOptions(int batchSize, int parallelism, boolean remote) {

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
		this(batchSize, 0, false);
	}

	/**
	 * Options of a run in this process.
	 * @param batchSize keys per batch, or 0 to keep the declared or configured size
	 * @param parallelism partitions of a new run, or 0 to keep the configured or declared
	 * parallelism
	 * @since 0.2.0
	 */
	public RunOptions(int batchSize, int parallelism) {
		this(batchSize, parallelism, false);
	}

	/**
	 * @return options that override nothing
	 */
	public static RunOptions defaults() {
		return new RunOptions(0, 0, false);
	}

}
