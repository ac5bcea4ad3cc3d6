package dev.backfill.engine;

import java.time.Instant;
import java.util.List;

import dev.backfill.Estimate;
import dev.backfill.KeyRange;
import org.jspecify.annotations.Nullable;
import org.springframework.batch.infrastructure.item.ExecutionContext;

/**
 * An estimate as the dry-run's step execution context keeps it in the job repository: its
 * figures, not its samples.
 */
final class StoredEstimate {

	private static final String PREFIX = "backfill.estimate.";

	private StoredEstimate() {
	}

	static void write(Estimate e, ExecutionContext context) {
		context.putString(PREFIX + "at", e.at().toString());
		context.putInt(PREFIX + "batchSize", e.batchSize());
		context.putString(PREFIX + "adaptive", String.valueOf(e.adaptive()));
		context.putLong(PREFIX + "keys", e.keysEstimate());
		context.putLong(PREFIX + "rows", e.rowsEstimate());
		context.putString(PREFIX + "rowsEstimatedBy", e.rowsEstimatedBy());
		context.putLong(PREFIX + "batches", e.batches());
		context.putDouble(PREFIX + "seconds", e.estimatedSeconds());
		context.putDouble(PREFIX + "secondsLow", e.estimatedSecondsLow());
		context.putDouble(PREFIX + "secondsHigh", e.estimatedSecondsHigh());
		context.putDouble(PREFIX + "rowsPerSecond", e.rowsPerSecond());
		context.putLong(PREFIX + "maxBatchMillis", e.maxBatchMillis());
		context.putInt(PREFIX + "suggestedBatchSize", e.suggestedBatchSize());
		context.putLong(PREFIX + "walBytesPerBatch", e.walBytesPerBatch());
		context.putLong(PREFIX + "walBytes", e.walBytesEstimate());
		context.putDouble(PREFIX + "rowsPerBatch", e.rowsPerBatch());
		context.putString(PREFIX + "idempotent", String.valueOf(e.idempotent()));
		if (e.idempotencyRange() != null) {
			context.putString(PREFIX + "idempotencyFrom", e.idempotencyRange().from().toString());
			context.putString(PREFIX + "idempotencyTo", e.idempotencyRange().to().toString());
			context.putString(PREFIX + "idempotencyFromIncluded", String.valueOf(e.idempotencyRange().fromIncluded()));
		}
		context.putLong(PREFIX + "rewrittenRows", e.rewrittenRows());
		context.putInt(PREFIX + "sampledBatches", e.sampledBatches());
		context.putLong(PREFIX + "sampleRows", e.sampleRows());
		context.putLong(PREFIX + "sampleWalBytes", e.sampleWalBytes());
		context.putString(PREFIX + "warnings", String.join("\n", e.warnings()));
		context.putDouble(PREFIX + "elapsedSeconds", e.elapsedSeconds());
	}

	static @Nullable Estimate read(String backfill, long jobExecutionId, ExecutionContext context) {
		if (!context.containsKey(PREFIX + "at")) {
			return null;
		}
		String idempotent = context.getString(PREFIX + "idempotent");
		KeyRange range = context.containsKey(PREFIX + "idempotencyFrom") ? new KeyRange(
				context.getString(PREFIX + "idempotencyFrom"), context.getString(PREFIX + "idempotencyTo"),
				"true".equals(context.getString(PREFIX + "idempotencyFromIncluded", "false"))) : null;
		String warnings = context.getString(PREFIX + "warnings");
		return new Estimate(backfill, jobExecutionId, Instant.parse(context.getString(PREFIX + "at")),
				context.getInt(PREFIX + "batchSize"),
				context.containsKey(PREFIX + "adaptive") && "true".equals(context.getString(PREFIX + "adaptive")),
				context.getLong(PREFIX + "keys"), context.getLong(PREFIX + "rows"),
				context.getString(PREFIX + "rowsEstimatedBy"), context.getLong(PREFIX + "batches"),
				context.getDouble(PREFIX + "seconds"), context.getDouble(PREFIX + "secondsLow"),
				context.getDouble(PREFIX + "secondsHigh"), context.getDouble(PREFIX + "rowsPerSecond"),
				context.getLong(PREFIX + "maxBatchMillis"), context.getInt(PREFIX + "suggestedBatchSize"),
				context.getLong(PREFIX + "walBytesPerBatch"), context.getLong(PREFIX + "walBytes"),
				context.getDouble(PREFIX + "rowsPerBatch"),
				idempotent.equals("null") ? null : Boolean.valueOf(idempotent), range,
				context.getLong(PREFIX + "rewrittenRows"), List.of(), context.getInt(PREFIX + "sampledBatches"),
				context.getLong(PREFIX + "sampleRows"), context.getLong(PREFIX + "sampleWalBytes"),
				warnings.isEmpty() ? List.of() : warnings.lines().toList(),
				context.getDouble(PREFIX + "elapsedSeconds"));
	}

}
