package dev.backfill;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.backfill.jdbc.JdbcBatchLog;
import dev.backfill.test.DatabaseTest;
import dev.backfill.test.TestOperators;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static dev.backfill.test.BatchLogAssert.assertContiguous;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A run asked to stop, from its own process or another one, finishes its batch in flight, ends STOPPED and resumes
 * with every row changed exactly once.
 */
class StopTest extends DatabaseTest {

	@BeforeAll
	static void createTables() {
		for (String table : new String[] { "stop_here", "stop_elsewhere", "stop_all" }) {
			jdbc.sql("CREATE TABLE " + table + " (id bigint PRIMARY KEY, counter int NOT NULL DEFAULT 0)").update();
			jdbc.sql("INSERT INTO " + table + " (id) SELECT g FROM generate_series(1, 10000) g").update();
		}
	}

	// not idempotent on purpose, and slow enough to be stopped in the middle
	private static Backfill counting(String name, String table) {
		return Backfill.sql(name).table(table).key("id").pending("counter = 0")
			.update("WITH pause AS (SELECT pg_sleep(0.02)) UPDATE " + table
					+ " SET counter = counter + 1 FROM pause WHERE id > :from AND id <= :to")
			.rollback("UPDATE " + table + " SET counter = 0 WHERE id > :from AND id <= :to")
			.batchSize(500)
			.build();
	}

	private static void assertResumesExactlyOnce(DefaultBackfillOperator operator, String name, String table) {
		BackfillResult resumed = operator.run(name, RunOptions.defaults(), (p) -> {
		});
		assertThat(resumed.state()).isEqualTo(BackfillState.COMPLETED);
		assertThat(resumed.resumed()).isTrue();
		assertThat(count("SELECT count(*) FROM " + table + " WHERE counter <> 1")).isZero();
		assertContiguous(new JdbcBatchLog(jdbc, "BACKFILL_").find(name));
	}

	@Test
	void stopInTheRunningProcessEndsAfterTheBatchInFlight() {
		DefaultBackfillOperator operator = TestOperators.operator(dataSource, counting("stop-here", "stop_here"));
		assertThat(operator.stop("stop-here")).isFalse();
		BackfillResult stopped = operator.run("stop-here", RunOptions.defaults(), (progress) -> {
			if (progress.batchNo() == 3) {
				assertThat(operator.stop("stop-here")).isTrue();
			}
		});
		assertThat(stopped.state()).isEqualTo(BackfillState.STOPPED);
		assertThat(stopped.batches()).isEqualTo(3);
		BackfillStatus status = operator.status("stop-here");
		assertThat(status.state()).isEqualTo(BackfillState.STOPPED);
		assertThat(status.lastKey()).isEqualTo("1500");
		assertThat(count("SELECT count(*) FROM stop_here WHERE counter = 1")).isEqualTo(1_500);
		assertResumesExactlyOnce(operator, "stop-here", "stop_here");
	}

	@Test
	void stopFromAnotherProcessIsReadFromTheJobRepositoryWithinTwoBatches() {
		Backfill backfill = counting("stop-elsewhere", "stop_elsewhere");
		DefaultBackfillOperator running = TestOperators.operator(dataSource, backfill);
		// another process: its own job operator and registry, the same database
		DefaultBackfillOperator elsewhere = TestOperators.operator(dataSource, backfill);
		AtomicBoolean asked = new AtomicBoolean();
		BackfillResult stopped = running.run("stop-elsewhere", RunOptions.defaults(), (progress) -> {
			if (progress.batchNo() == 3) {
				asked.set(elsewhere.stop("stop-elsewhere"));
			}
		});
		assertThat(asked).isTrue();
		assertThat(stopped.state()).isEqualTo(BackfillState.STOPPED);
		assertThat(stopped.batches()).isBetween(3L, 5L);
		assertThat(elsewhere.status("stop-elsewhere").state()).isEqualTo(BackfillState.STOPPED);
		assertResumesExactlyOnce(running, "stop-elsewhere", "stop_elsewhere");
	}

	@Test
	void stopAllWaitsForTheRunsOfThisProcess() throws Exception {
		DefaultBackfillOperator operator = TestOperators.operator(dataSource, counting("stop-all", "stop_all"));
		CompletableFuture<BackfillResult> run = CompletableFuture
			.supplyAsync(() -> operator.run("stop-all", RunOptions.defaults(), (p) -> {
			}));
		long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
		while (count("SELECT count(*) FROM BACKFILL_BATCH_LOG WHERE BACKFILL_NAME = 'stop-all'") < 2
				&& System.nanoTime() < deadline) {
			Thread.sleep(20);
		}
		assertThat(operator.stopAll(Duration.ofSeconds(10))).isTrue();
		// stopAll returned once the run had ended: its result is there at once
		assertThat(run.get(1, TimeUnit.SECONDS).state()).isEqualTo(BackfillState.STOPPED);
		assertResumesExactlyOnce(operator, "stop-all", "stop_all");
	}

}
