package dev.backfill;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.backfill.engine.DefaultBackfillOperator;
import dev.backfill.jdbc.JdbcBatchLog;
import dev.backfill.test.Counters;
import dev.backfill.test.DatabaseTest;
import dev.backfill.test.TestOperators;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static dev.backfill.test.BatchLogAssert.assertContiguous;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A run asked to stop, from its own process or another one, finishes its batch in flight,
 * ends STOPPED and resumes with every row changed exactly once.
 */
class StopTest extends DatabaseTest {

	@BeforeAll
	static void createTables() {
		for (String table : new String[] { "stop_here", "stop_elsewhere", "stop_all", "stop_rollback" }) {
			Counters.create(jdbc, table, 10_000);
		}
	}

	private static Backfill counting(String name, String table) {
		return Counters.counting(name, table, 500, 0.02);
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
	void rollbackStopsFromAnotherProcessAndResumes() {
		Backfill backfill = counting("stop-rollback", "stop_rollback");
		DefaultBackfillOperator running = TestOperators.operator(dataSource, backfill);
		DefaultBackfillOperator elsewhere = TestOperators.operator(dataSource, backfill);
		assertThat(running.run("stop-rollback", RunOptions.defaults(), (p) -> {
		}).state()).isEqualTo(BackfillState.COMPLETED);
		AtomicBoolean asked = new AtomicBoolean();
		BackfillResult stopped = running.rollback("stop-rollback", (progress) -> {
			if (progress.batchNo() == 3) {
				asked.set(elsewhere.stop("stop-rollback"));
			}
		});
		assertThat(asked).isTrue();
		assertThat(stopped.state()).isEqualTo(BackfillState.STOPPED);
		assertThat(count("SELECT count(*) FROM stop_rollback WHERE counter = 0")).isBetween(1_500L, 2_500L);
		// a run refuses while the rollback is unfinished; the rollback resumes where it
		// stopped
		assertThatThrownBy(() -> running.run("stop-rollback", RunOptions.defaults(), (p) -> {
		})).isInstanceOf(BackfillException.class).hasMessageContaining("has an unfinished rollback");
		BackfillResult resumed = running.rollback("stop-rollback", (p) -> {
		});
		assertThat(resumed.state()).isEqualTo(BackfillState.COMPLETED);
		assertThat(resumed.resumed()).isTrue();
		assertThat(count("SELECT count(*) FROM stop_rollback WHERE counter <> 0")).isZero();
		assertThat(running.status("stop-rollback").state()).isEqualTo(BackfillState.ROLLED_BACK);
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
