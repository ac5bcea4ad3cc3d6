package dev.backfill;

import java.time.Duration;
import java.util.List;

/**
 * Receives a run's {@link Progress} after each committed batch, and its retries and
 * throttled holds, on the thread that runs the backfill. Keep it quick: the next batch
 * waits for it.
 *
 * @since 0.1.0
 */
@FunctionalInterface
public interface ProgressListener {

	/** A listener that ignores progress. */
	ProgressListener NONE = (progress) -> {
	};

	/**
	 * A listener that passes every event to each of some listeners, in order.
	 * @param listeners the listeners
	 * @return the composite
	 */
	static ProgressListener all(List<ProgressListener> listeners) {
		List<ProgressListener> each = List.copyOf(listeners);
		return new ProgressListener() {

			@Override
			public void onBatch(Progress progress) {
				each.forEach((l) -> l.onBatch(progress));
			}

			@Override
			public void onFinished(String backfill) {
				each.forEach((l) -> l.onFinished(backfill));
			}

			@Override
			public void onRetry(String backfill, String sqlState, boolean retried) {
				each.forEach((l) -> l.onRetry(backfill, sqlState, retried));
			}

			@Override
			public void onThrottled(String backfill, String throttle, Duration held) {
				each.forEach((l) -> l.onThrottled(backfill, throttle, held));
			}

		};
	}

	/**
	 * Called after a batch committed.
	 * @param progress the run's progress
	 */
	void onBatch(Progress progress);

	/**
	 * Called when a run or rollback found no more keys: it is complete once its last
	 * transaction commits.
	 * @param backfill the name the run is logged under
	 */
	default void onFinished(String backfill) {
	}

	/**
	 * Called when an attempt at a batch failed and will be tried again, or failed the
	 * run.
	 * @param backfill the name the batch is logged under ({@code NAME}, or
	 * {@code NAME:rollback})
	 * @param sqlState the failure's SQLSTATE, such as {@code 55P03} for a lock timeout
	 * @param retried whether the batch will be tried again
	 */
	default void onRetry(String backfill, String sqlState, boolean retried) {
	}

	/**
	 * Called when a throttle held the run, once it lets the run go on.
	 * @param backfill the name the run is logged under
	 * @param throttle which throttle held it: the simple class name of the
	 * {@link BackfillThrottle}, or {@code pause} for {@code backfill pause}
	 * @param held how long it held the run
	 */
	default void onThrottled(String backfill, String throttle, Duration held) {
	}

}
