package dev.backfill;

import java.time.Duration;
import java.util.List;

import dev.backfill.jdbc.BatchRecord;
import dev.backfill.jdbc.JdbcBatchLog;
import dev.backfill.test.Counters;
import dev.backfill.test.DatabaseTest;
import dev.backfill.test.TestOperators;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static dev.backfill.test.BatchLogAssert.assertContiguous;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Batches that adapt their size to a target duration: a statement that costs 0.05 ms per
 * key, aimed at 100 ms batches, settles near 2,000 keys, whether it starts too big or too
 * small.
 */
class BatchSizingTest extends DatabaseTest {

	@BeforeAll
	static void createTables() {
		for (String table : List.of("sized_down", "sized_up")) {
			Counters.create(jdbc, table, 30_000);
		}
	}

	private static List<BatchRecord> run(String name, String table, int firstSize) {
		BackfillSettings settings = new BackfillSettings(firstSize, Duration.ofSeconds(1), Duration.ofSeconds(30),
				"BACKFILL_", Retry.DEFAULTS, new BatchSizing(Duration.ofMillis(100), 100, 50_000));
		BackfillResult result = TestOperators.operator(dataSource, settings, Counters.timed(name, table, 0.05))
			.run(name, RunOptions.defaults(), (p) -> {
			});
		assertThat(result.state()).isEqualTo(BackfillState.COMPLETED);
		assertThat(count("SELECT count(*) FROM " + table + " WHERE counter <> 1")).isZero();
		List<BatchRecord> log = new JdbcBatchLog(jdbc, "BACKFILL_").find(name);
		assertContiguous(log);
		return log;
	}

	@Test
	void batchTooSlowShrinksAtOnceAndTheSizeSettlesNearTheTarget() {
		List<BatchRecord> log = run("sized-down", "sized_down", 8_000);
		assertThat(log.get(0).keys()).isEqualTo(8_000);
		assertThat(log.get(0).durationMs()).isGreaterThan(350);
		// the very next batch is aimed at 100 ms
		assertThat(log.get(1).keys()).isBetween(1_000L, 2_200L);
		List<BatchRecord> settled = log.subList(2, log.size() - 1);
		assertThat(settled).isNotEmpty().allSatisfy((b) -> {
			assertThat(b.keys()).isBetween(1_000L, 2_600L);
			assertThat(b.durationMs()).isBetween(50L, 200L);
		});
	}

	@Test
	void batchTooFastGrowsByAtMostHalfPerStep() {
		List<BatchRecord> log = run("sized-up", "sized_up", 200);
		for (int i = 1; i < log.size() - 1; i++) {
			assertThat(log.get(i).keys()).isLessThanOrEqualTo(Math.round(log.get(i - 1).keys() * 1.5));
		}
		assertThat(log.get(log.size() - 2).keys()).isBetween(1_000L, 2_600L);
	}

}
