package dev.backfill.engine;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import dev.backfill.Estimate;
import dev.backfill.KeyRange;
import org.junit.jupiter.api.Test;
import org.springframework.batch.infrastructure.item.ExecutionContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An estimate kept in a step's context: under the keys, and with the value types, that
 * earlier releases wrote, so that their estimates read back.
 */
class StoredEstimateTest {

	private static final Instant AT = Instant.parse("2026-11-30T10:15:30.123Z");

	private static final KeyRange CHECKED = KeyRange.startingAt(1L, 1_000L);

	private static final Estimate ESTIMATE = Estimate.builder("orders-total-cents", 42, AT)
		.batchSize(2_000, true)
		.planned(100_000, 60_000, "planner: ~100,000 rows")
		.duration(50, 12.5, 10.0, 20.0, 4_800.0)
		.locks(1_200, 833)
		.writes(163_840, 8_192_000, 1_980.0)
		.idempotency(false, CHECKED, 7)
		.samples(List.of(new Estimate.Sample(CHECKED, 1_000, 990, 12.5, 9.0, 81_920)), 5)
		.cost(11_000, 900_000, 3.25)
		.warnings(List.of("first", "second"))
		.timedBy("each sample's probe and work, plus 2.50 ms a batch measured between the sampled batches' work")
		.build();

	/**
	 * {@link #ESTIMATE} as earlier releases wrote it: each key, with a value of the type
	 * they wrote (an equal Integer for a Long would not read back).
	 */
	private static Map<String, Object> released() {
		Map<String, Object> figures = new TreeMap<>();
		figures.putAll(Map.of("at", "2026-11-30T10:15:30.123Z", "batchSize", 2_000, "adaptive", "true", "keys",
				100_000L, "rows", 60_000L, "rowsEstimatedBy", "planner: ~100,000 rows", "batches", 50L, "seconds", 12.5,
				"secondsLow", 10.0, "secondsHigh", 20.0));
		figures.putAll(Map.of("rowsPerSecond", 4_800.0, "maxBatchMillis", 1_200L, "suggestedBatchSize", 833,
				"walBytesPerBatch", 163_840L, "walBytes", 8_192_000L, "rowsPerBatch", 1_980.0, "idempotent", "false",
				"idempotencyFrom", "1", "idempotencyTo", "1000", "idempotencyFromIncluded", "true"));
		figures.putAll(Map.of("rewrittenRows", 7L, "sampledBatches", 5, "sampleRows", 11_000L, "sampleWalBytes",
				900_000L, "warnings", "first\nsecond", "elapsedSeconds", 3.25));
		Map<String, Object> keyed = new TreeMap<>();
		figures.forEach((key, value) -> keyed.put("backfill.estimate." + key, value));
		return keyed;
	}

	@Test
	void writesEachFigureUnderItsKeyWithTheTypeItAlwaysHad() {
		ExecutionContext context = new ExecutionContext();
		StoredEstimate.writeTo(ESTIMATE, context);
		Map<String, Object> stored = new TreeMap<>();
		context.entrySet().forEach((e) -> stored.put(e.getKey(), e.getValue()));
		Map<String, Object> released = released();
		// what 0.3.0 adds
		released.put("backfill.estimate.timeEstimatedBy",
				"each sample's probe and work, plus 2.50 ms a batch measured between the sampled batches' work");
		assertThat(stored).isEqualTo(released);
		stored.forEach((key, value) -> assertThat(value).as(key).isExactlyInstanceOf(released.get(key).getClass()));
	}

	@Test
	void readsBackEveryFigureButTheSamples() {
		ExecutionContext context = new ExecutionContext();
		StoredEstimate.writeTo(ESTIMATE, context);
		Estimate read = StoredEstimate.from("orders-total-cents", 42, context);
		assertThat(read).usingRecursiveComparison().ignoringFields("samples", "idempotencyRange").isEqualTo(ESTIMATE);
		assertThat(read.samples()).isEmpty();
		// its bounds read back as text
		assertThat(read.idempotencyRange()).isEqualTo(KeyRange.startingAt("1", "1000"));
	}

	@Test
	void readsAnEstimateThatEarlierReleasesWroteWithoutAdaptiveRangeOrWarnings() {
		Map<String, Object> released = released();
		released.keySet()
			.removeAll(List.of("backfill.estimate.adaptive", "backfill.estimate.idempotencyFrom",
					"backfill.estimate.idempotencyTo", "backfill.estimate.idempotencyFromIncluded"));
		released.put("backfill.estimate.idempotent", "null");
		released.put("backfill.estimate.warnings", "");
		ExecutionContext context = new ExecutionContext(released);
		Estimate read = StoredEstimate.from("orders-total-cents", 42, context);
		assertThat(read).usingRecursiveComparison()
			.ignoringFields("adaptive", "idempotent", "idempotencyRange", "samples", "warnings", "timeEstimatedBy")
			.isEqualTo(ESTIMATE);
		assertThat(read.timeEstimatedBy()).isEmpty();
		assertThat(read.adaptive()).isFalse();
		assertThat(read.idempotent()).isNull();
		assertThat(read.idempotencyRange()).isNull();
		assertThat(read.warnings()).isEmpty();
	}

	@Test
	void aStepThatRecordedNoEstimateReadsAsNone() {
		ExecutionContext context = new ExecutionContext();
		context.putString("backfill.dryRun.calibration", "1000");
		assertThat(StoredEstimate.from("orders-total-cents", 42, context)).isNull();
	}

}
