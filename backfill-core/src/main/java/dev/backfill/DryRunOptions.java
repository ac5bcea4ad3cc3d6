package dev.backfill;

import java.time.Duration;

/**
 * How a dry-run samples: the batch size to estimate for, and the bounds of the sample.
 *
 * @param batchSize keys per batch to estimate for, or 0 for the size a run would use
 * @param sampleBatches batches to sample, or 0 to size the sample from
 * {@code maxSampleShare} (at least 3, at most {@link #DEFAULT_SAMPLE_BATCHES})
 * @param maxSampleShare largest share of the table's keys an automatically sized sample
 * reads, such as 0.01
 * @param maxDuration time after which sampling stops, whatever the number of batches
 * sampled
 * @since 0.1.0
 */
public record DryRunOptions(int batchSize, int sampleBatches, double maxSampleShare, Duration maxDuration) {

	/** Most batches an automatically sized sample takes. */
	public static final int DEFAULT_SAMPLE_BATCHES = 20;

	/** Default largest share of the table an automatically sized sample reads: 1%. */
	public static final double DEFAULT_MAX_SAMPLE_SHARE = 0.01;

	/** Default time bound of the sample. */
	public static final Duration DEFAULT_MAX_DURATION = Duration.ofSeconds(30);

	/**
	 * Validates the options.
	 * @throws IllegalArgumentException when a value is out of range
	 */
	public DryRunOptions {
		if (batchSize < 0) {
			throw new IllegalArgumentException("Batch size " + batchSize + " must be positive, such as 5000");
		}
		if (sampleBatches < 0) {
			throw new IllegalArgumentException("Sample batches " + sampleBatches + " must be positive, such as 20");
		}
		if (!(maxSampleShare > 0 && maxSampleShare <= 1)) {
			throw new IllegalArgumentException(
					"Largest sample share " + maxSampleShare + " must be above 0 and at most 1, such as 0.01");
		}
		if (maxDuration.isNegative() || maxDuration.isZero()) {
			throw new IllegalArgumentException("Sample time bound " + maxDuration + " must be positive, such as 30s");
		}
	}

	/**
	 * @return the defaults: the run's batch size, a sample of at most 1% of the table and
	 * 30 seconds
	 */
	public static DryRunOptions defaults() {
		return new DryRunOptions(0, 0, DEFAULT_MAX_SAMPLE_SHARE, DEFAULT_MAX_DURATION);
	}

	/**
	 * @param batchSize keys per batch, 0 for the run's
	 * @return these options with another batch size
	 */
	public DryRunOptions withBatchSize(int batchSize) {
		return new DryRunOptions(batchSize, this.sampleBatches, this.maxSampleShare, this.maxDuration);
	}

	/**
	 * @param sampleBatches batches to sample, 0 for automatic
	 * @return these options with another sample size
	 */
	public DryRunOptions withSampleBatches(int sampleBatches) {
		return new DryRunOptions(this.batchSize, sampleBatches, this.maxSampleShare, this.maxDuration);
	}

}
