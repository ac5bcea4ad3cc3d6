package dev.backfill;

/**
 * Receives a run's {@link Progress} after each committed batch, on the thread that runs the backfill. Keep it quick:
 * the next batch waits for it.
 *
 * @since 0.1.0
 */
@FunctionalInterface
public interface ProgressListener {

	/** A listener that ignores progress. */
	ProgressListener NONE = (progress) -> {
	};

	/**
	 * Called after a batch committed.
	 * @param progress the run's progress
	 */
	void onBatch(Progress progress);

}
