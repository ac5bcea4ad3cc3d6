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
 * @param parallelism partitions the run is to walk side by side: the dry-run runs that
 * many of its sampled batches at once too, and estimates the run at the speed-up it
 * measured; 0 or 1 for a run in one walk
 * @since 0.1.0
 */
public record DryRunOptions(int batchSize, int sampleBatches, double maxSampleShare, Duration maxDuration,
		int parallelism) {

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
		if (parallelism < 0 || parallelism > Backfill.MAX_PARALLELISM) {
			throw new IllegalArgumentException(
					"Parallelism " + parallelism + " must be from 1 to " + Backfill.MAX_PARALLELISM + ", such as 4");
		}
	}

	/**
	 * Options of a dry-run that estimates a run in one walk.
	 * @param batchSize keys per batch, 0 for the run's
	 * @param sampleBatches batches to sample, 0 for automatic
	 * @param maxSampleShare the largest share of the table an automatic sample reads
	 * @param maxDuration the time bound of the sample
	 */
	public DryRunOptions(int batchSize, int sampleBatches, double maxSampleShare, Duration maxDuration) {
		this(batchSize, sampleBatches, maxSampleShare, maxDuration, 0);
	}

	/**
	 * @return the defaults: the run's batch size, a sample of at most 1% of the table and
	 * 30 seconds
	 */
	public static DryRunOptions defaults() {
		return new DryRunOptions(0, 0, DEFAULT_MAX_SAMPLE_SHARE, DEFAULT_MAX_DURATION, 0);
	}

	/**
	 * @param batchSize keys per batch, 0 for the run's
	 * @return these options with another batch size
	 */
	public DryRunOptions withBatchSize(int batchSize) {
		return new DryRunOptions(batchSize, this.sampleBatches, this.maxSampleShare, this.maxDuration,
				this.parallelism);
	}

	/**
	 * @param sampleBatches batches to sample, 0 for automatic
	 * @return these options with another sample size
	 */
	public DryRunOptions withSampleBatches(int sampleBatches) {
		return new DryRunOptions(this.batchSize, sampleBatches, this.maxSampleShare, this.maxDuration,
				this.parallelism);
	}

	/**
	 * @param parallelism partitions the run is to walk side by side, 0 or 1 for one walk
	 * @return these options estimating a run at that parallelism
	 * @since 0.2.0
	 */
	public DryRunOptions withParallelism(int parallelism) {
		return new DryRunOptions(this.batchSize, this.sampleBatches, this.maxSampleShare, this.maxDuration,
				parallelism);
	}

}
