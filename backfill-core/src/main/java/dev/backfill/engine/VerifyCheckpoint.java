package dev.backfill.engine;

import java.util.List;

import org.jspecify.annotations.Nullable;
import org.springframework.batch.infrastructure.item.ExecutionContext;

/**
 * Where a verify stands: the last key of its last committed batch, and what it found so
 * far. Kept in the verify step's {@link ExecutionContext}, saved in each batch's
 * transaction with the discrepancies that batch logged, so that a resumed verify logs
 * nothing twice.
 *
 * @param lastKey the inclusive upper bound of the last committed batch as text, or
 * {@code null} before the first
 * @param keysChecked keys checked
 * @param discrepancies discrepancies logged
 */
record VerifyCheckpoint(@Nullable String lastKey, long keysChecked, long discrepancies) {

	static final String LAST_KEY = "backfill.verify.lastKey";

	static final String KEYS_CHECKED = "backfill.verify.keysChecked";

	static final String DISCREPANCIES = "backfill.verify.discrepancies";

	/** The checkpoint of a verify that has not committed a batch. */
	static final VerifyCheckpoint START = new VerifyCheckpoint(null, 0, 0);

	/**
	 * Reads the checkpoint from a verify step's context.
	 * @param context the step execution context
	 * @return the checkpoint, {@link #START} when the context holds none
	 */
	static VerifyCheckpoint from(ExecutionContext context) {
		if (!context.containsKey(KEYS_CHECKED)) {
			return START;
		}
		return new VerifyCheckpoint(context.containsKey(LAST_KEY) ? context.getString(LAST_KEY) : null,
				context.getLong(KEYS_CHECKED), context.containsKey(DISCREPANCIES) ? context.getLong(DISCREPANCIES) : 0);
	}

	/**
	 * Writes the checkpoint into a verify step's context.
	 * @param context the step execution context
	 */
	void writeTo(ExecutionContext context) {
		if (this.lastKey != null) {
			context.putString(LAST_KEY, this.lastKey);
		}
		context.putLong(KEYS_CHECKED, this.keysChecked);
		context.putLong(DISCREPANCIES, this.discrepancies);
	}

	/**
	 * The checkpoint after one more committed batch.
	 * @param toKey the batch's upper bound as text
	 * @param keys keys it checked
	 * @param found discrepancies it logged
	 * @return the next checkpoint
	 */
	/**
	 * @param partitions the checkpoints of a verify's partitions
	 * @return the verify's: keys checked and discrepancies summed, with no last key
	 */
	static VerifyCheckpoint sum(List<VerifyCheckpoint> partitions) {
		return new VerifyCheckpoint(null, partitions.stream().mapToLong(VerifyCheckpoint::keysChecked).sum(),
				partitions.stream().mapToLong(VerifyCheckpoint::discrepancies).sum());
	}

	VerifyCheckpoint next(String toKey, long keys, long found) {
		return new VerifyCheckpoint(toKey, this.keysChecked + keys, this.discrepancies + found);
	}

}
