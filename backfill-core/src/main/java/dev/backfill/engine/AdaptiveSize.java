package dev.backfill.engine;

import dev.backfill.BatchSizing;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The keys of a run's next batch: the first batch's size throughout when it is fixed,
 * else aimed after each full batch at the target duration from the keys per millisecond
 * its statement took.
 */
final class AdaptiveSize {

	// the run's lines, under the one name they always had
	private static final Logger logger = LoggerFactory.getLogger(BackfillTasklet.class);

	private final String logName;

	/** How batches adapt, or {@code null} when their size is fixed. */
	private final @Nullable BatchSizing sizing;

	private int size;

	private double smoothedRate;

	AdaptiveSize(String logName, int first, @Nullable BatchSizing sizing) {
		this.logName = logName;
		this.size = first;
		this.sizing = sizing;
	}

	/**
	 * @return keys of the next batch
	 */
	int current() {
		return this.size;
	}

	/**
	 * @return whether batches adapt their size
	 */
	boolean adaptive() {
		return this.sizing != null;
	}

	/**
	 * Sizes the next batch after one committed.
	 * @param keys keys the batch covered
	 * @param batchMillis how long its statement took
	 */
	void committed(long keys, long batchMillis) {
		// only full batches at the current size say how fast that size goes
		if (this.sizing == null || keys != this.size) {
			return;
		}
		// the statement's time is how long the batch held its row locks
		double rate = keys / (double) Math.max(1, batchMillis);
		this.smoothedRate = (this.smoothedRate == 0) ? rate : 0.7 * this.smoothedRate + 0.3 * rate;
		int next = this.sizing.next(this.size, rate, this.smoothedRate, batchMillis > this.sizing.target().toMillis());
		if (next != this.size) {
			logger.debug("Backfill '{}': batch of {} keys took {} ms; next batches of {} keys", this.logName, keys,
					batchMillis, next);
		}
		this.size = next;
	}

}
