package dev.backfill.engine;

import java.util.Map;
import java.util.TreeMap;

import dev.backfill.KeyRange;
import dev.backfill.jdbc.KeyType;
import dev.backfill.jdbc.TableKey;
import org.junit.jupiter.api.Test;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.batch.core.job.parameters.JobParametersBuilder;
import org.springframework.batch.infrastructure.item.ExecutionContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A run's statistics and a rollback's bounds: under the keys, and with the value types,
 * that earlier releases wrote, so that a run they started resumes and reports.
 */
class RunStateTest {

	private static final RunStats STATS = new RunStats(12_000, 4_800.5, 3, 2_000, true, 1.25);

	/** {@link #STATS} as earlier releases wrote it. */
	private static Map<String, Object> released() {
		return new TreeMap<>(
				Map.of("backfill.rowsRemaining", 12_000L, "backfill.rowsPerSecond", 4_800.5, "backfill.etaSeconds", 3L,
						"backfill.batchSize", 2_000, "backfill.adaptive", "true", "backfill.throttledSeconds", 1.25));
	}

	@Test
	void writesEachStatisticUnderItsKeyWithTheTypeItAlwaysHad() {
		ExecutionContext context = new ExecutionContext();
		STATS.writeTo(context);
		Map<String, Object> stored = new TreeMap<>();
		context.entrySet().forEach((e) -> stored.put(e.getKey(), e.getValue()));
		Map<String, Object> released = released();
		assertThat(stored).isEqualTo(released);
		stored.forEach((key, value) -> assertThat(value).as(key).isExactlyInstanceOf(released.get(key).getClass()));
	}

	@Test
	void readsBackWhatEarlierReleasesWrote() {
		assertThat(RunStats.from(new ExecutionContext(released()))).isEqualTo(STATS);
	}

	@Test
	void aStepBeforeItsFirstBatchHasNoStatistics() {
		ExecutionContext context = new ExecutionContext();
		context.putLong("backfill.batches", 0);
		assertThat(RunStats.from(context)).isNull();
	}

	@Test
	void keepsARollbacksBoundsInItsJobParameters() {
		JobParametersBuilder builder = new JobParametersBuilder();
		WalkBounds.addTo(new KeyRange(10L, 500L, true), builder);
		JobParameters parameters = builder.toJobParameters();
		assertThat(parameters.getString("backfill.from")).isEqualTo("10");
		assertThat(parameters.getString("backfill.until")).isEqualTo("500");
		assertThat(parameters.getString("backfill.fromIncluded")).isEqualTo("true");
		assertThat(WalkBounds.from(parameters, TableKey.of("k", KeyType.INTEGER)))
			.isEqualTo(new WalkBounds(10L, true, 500L));
	}

	@Test
	void aRunsJobParametersBoundNothing() {
		assertThat(WalkBounds.from(new JobParametersBuilder().toJobParameters(), TableKey.of("k", KeyType.INTEGER)))
			.isEqualTo(WalkBounds.ALL);
	}

}
