package dev.backfill;

/**
 * Settings of one run that override the declaration and the configuration.
 *
 * @param batchSize keys per batch, or 0 to keep the declared or configured size
 * @since 0.1.0
 */
public record RunOptions(int batchSize) {

	/**
	 * Validates the options.
	 * @throws IllegalArgumentException when the batch size is negative
	 */
	public RunOptions {
		if (batchSize < 0) {
			throw new IllegalArgumentException("Batch size " + batchSize + " must be positive, such as 5000");
		}
	}

	/**
	 * @return options that override nothing
	 */
	public static RunOptions defaults() {
		return new RunOptions(0);
	}

}
