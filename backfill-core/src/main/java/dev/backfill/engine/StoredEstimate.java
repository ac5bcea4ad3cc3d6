package dev.backfill.engine;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import dev.backfill.Estimate;
import dev.backfill.KeyRange;
import org.jspecify.annotations.Nullable;
import org.springframework.batch.infrastructure.item.ExecutionContext;

/**
 * An estimate as the dry-run's step execution context keeps it in the job repository: its
 * figures, not its samples. The keys, and the types of their values ({@code Integer},
 * {@code Long}, {@code Double}, {@code String}), are those every release has written, so
 * that an estimate recorded by an earlier release reads back.
 */
final class StoredEstimate {

	private static final String PREFIX = "backfill.estimate.";

	private StoredEstimate() {
	}

	/**
	 * Writes an estimate's figures into a dry-run step's context.
	 * @param e the estimate
	 * @param context the step execution context
	 */
	static void writeTo(Estimate e, ExecutionContext context) {
		// one group of figures a line, as Estimate.Builder sets them
		List<Map<String, ?>> figures = List.of(
				Map.of("at", e.at().toString(), "batchSize", e.batchSize(), "adaptive", String.valueOf(e.adaptive())),
				Map.of("keys", e.keysEstimate(), "rows", e.rowsEstimate(), "rowsEstimatedBy", e.rowsEstimatedBy()),
				Map.of("batches", e.batches(), "seconds", e.estimatedSeconds(), "secondsLow", e.estimatedSecondsLow(),
						"secondsHigh", e.estimatedSecondsHigh(), "rowsPerSecond", e.rowsPerSecond()),
				Map.of("maxBatchMillis", e.maxBatchMillis(), "suggestedBatchSize", e.suggestedBatchSize()),
				Map.of("walBytesPerBatch", e.walBytesPerBatch(), "walBytes", e.walBytesEstimate(), "rowsPerBatch",
						e.rowsPerBatch()),
				Map.of("idempotent", String.valueOf(e.idempotent()), "rewrittenRows", e.rewrittenRows()),
				Map.of("sampledBatches", e.sampledBatches(), "sampleRows", e.sampleRows(), "sampleWalBytes",
						e.sampleWalBytes(), "elapsedSeconds", e.elapsedSeconds()),
				Map.of("warnings", String.join("\n", e.warnings()), "timeEstimatedBy", e.timeEstimatedBy()));
		figures.forEach((group) -> group.forEach((key, value) -> context.put(PREFIX + key, value)));
		if (e.parallelism() > 1) {
			// an estimate of one walk keeps the keys it always had
			context.putInt(PREFIX + "parallelism", e.parallelism());
			context.putDouble(PREFIX + "parallelSpeedup", e.parallelSpeedup());
		}
		KeyRange range = e.idempotencyRange();
		if (range != null) {
			context.putString(PREFIX + "idempotencyFrom", range.from().toString());
			context.putString(PREFIX + "idempotencyTo", range.to().toString());
			context.putString(PREFIX + "idempotencyFromIncluded", String.valueOf(range.fromIncluded()));
		}
	}

	/**
	 * Reads the estimate a dry-run step recorded.
	 * @param backfill the backfill name
	 * @param jobExecutionId the dry-run's job execution
	 * @param context its step execution context
	 * @return the estimate, without its samples, or {@code null} when the step recorded
	 * none (it failed)
	 */
	static @Nullable Estimate from(String backfill, long jobExecutionId, ExecutionContext context) {
		if (!context.containsKey(PREFIX + "at")) {
			return null;
		}
		Stored stored = new Stored(context);
		String idempotent = stored.text("idempotent");
		KeyRange range = context.containsKey(PREFIX + "idempotencyFrom") ? new KeyRange(stored.text("idempotencyFrom"),
				stored.text("idempotencyTo"), stored.isTrue("idempotencyFromIncluded")) : null;
		String warnings = stored.text("warnings");
		return Estimate.builder(backfill, jobExecutionId, Instant.parse(stored.text("at")))
			.batchSize(stored.intValue("batchSize"), stored.isTrue("adaptive"))
			.planned(stored.longValue("keys"), stored.longValue("rows"), stored.text("rowsEstimatedBy"))
			.duration(stored.longValue("batches"), stored.doubleValue("seconds"), stored.doubleValue("secondsLow"),
					stored.doubleValue("secondsHigh"), stored.doubleValue("rowsPerSecond"))
			.locks(stored.longValue("maxBatchMillis"), stored.intValue("suggestedBatchSize"))
			.writes(stored.longValue("walBytesPerBatch"), stored.longValue("walBytes"),
					stored.doubleValue("rowsPerBatch"))
			.idempotency(idempotent.equals("null") ? null : Boolean.valueOf(idempotent), range,
					stored.longValue("rewrittenRows"))
			.samples(List.of(), stored.intValue("sampledBatches"))
			.cost(stored.longValue("sampleRows"), stored.longValue("sampleWalBytes"),
					stored.doubleValue("elapsedSeconds"))
			.warnings(warnings.isEmpty() ? List.of() : warnings.lines().toList())
			// estimates recorded before 0.3.0 do not say
			.timedBy(context.containsKey(PREFIX + "timeEstimatedBy") ? stored.text("timeEstimatedBy") : "")
			// estimates recorded before 0.2.0 are of one walk
			.parallel(context.containsKey(PREFIX + "parallelism") ? stored.intValue("parallelism") : 1,
					context.containsKey(PREFIX + "parallelSpeedup") ? stored.doubleValue("parallelSpeedup") : 1)
			.build();
	}

	/** The context's values under the estimate's prefix. */
	private record Stored(ExecutionContext context) {

		String text(String name) {
			return this.context.getString(PREFIX + name);
		}

		// absent (as adaptive before it was recorded) is false
		boolean isTrue(String name) {
			return "true".equals(this.context.getString(PREFIX + name, "false"));
		}

		int intValue(String name) {
			return this.context.getInt(PREFIX + name);
		}

		long longValue(String name) {
			return this.context.getLong(PREFIX + name);
		}

		double doubleValue(String name) {
			return this.context.getDouble(PREFIX + name);
		}

	}

}
