package dev.backfill.jdbc;

import org.jspecify.annotations.Nullable;
import org.springframework.batch.infrastructure.item.ExecutionContext;

/**
 * Where a run stands: the last key of the last committed batch, and the counts so far.
 * Kept in the step's {@link ExecutionContext}, which Spring Batch saves in each batch's
 * transaction, so it moves exactly with the committed work.
 *
 * @param lastKey the inclusive upper bound of the last committed batch as text, or
 * {@code null} before the first
 * @param batches batches committed
 * @param rowsDone rows changed
 * @param keysDone keys covered
 */
public record Checkpoint(@Nullable String lastKey, long batches, long rowsDone, long keysDone) {

	/** Context key of the last key. */
	public static final String LAST_KEY = "backfill.lastKey";

	/** Context key of the batch count. */
	public static final String BATCHES = "backfill.batches";

	/** Context key of the rows changed. */
	public static final String ROWS_DONE = "backfill.rowsDone";

	/** Context key of the keys covered. */
	public static final String KEYS_DONE = "backfill.keysDone";

	/** The checkpoint of a run that has not committed a batch. */
	public static final Checkpoint START = new Checkpoint(null, 0, 0, 0);

	/**
	 * Reads the checkpoint from a step's context.
	 * @param context the step execution context
	 * @return the checkpoint, {@link #START} when the context holds none
	 */
	public static Checkpoint from(ExecutionContext context) {
		if (!context.containsKey(BATCHES)) {
			return START;
		}
		return new Checkpoint(context.containsKey(LAST_KEY) ? context.getString(LAST_KEY) : null,
				context.getLong(BATCHES), context.getLong(ROWS_DONE), context.getLong(KEYS_DONE));
	}

	/**
	 * Writes the checkpoint into a step's context.
	 * @param context the step execution context
	 */
	public void writeTo(ExecutionContext context) {
		if (this.lastKey != null) {
			context.putString(LAST_KEY, this.lastKey);
		}
		context.putLong(BATCHES, this.batches);
		context.putLong(ROWS_DONE, this.rowsDone);
		context.putLong(KEYS_DONE, this.keysDone);
	}

	/**
	 * The checkpoint after one more committed batch.
	 * @param toKey the batch's upper bound as text
	 * @param rows rows it changed
	 * @param keys keys it covered
	 * @return the next checkpoint
	 */
	public Checkpoint next(String toKey, long rows, long keys) {
		return new Checkpoint(toKey, this.batches + 1, this.rowsDone + rows, this.keysDone + keys);
	}

}
