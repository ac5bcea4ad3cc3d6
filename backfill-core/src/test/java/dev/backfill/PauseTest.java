package dev.backfill;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.backfill.engine.DefaultBackfillOperator;
import dev.backfill.jdbc.JdbcBatchLog;
import dev.backfill.test.Counters;
import dev.backfill.test.DatabaseTest;
import dev.backfill.test.TestOperators;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static dev.backfill.test.BatchLogAssert.assertContiguous;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A paused run stays alive in its place, holding no transaction and no lock on the table,
 * and goes on when resumed; a stop asked while it is paused ends it.
 */
class PauseTest extends DatabaseTest {

	@BeforeAll
	static void createTables() {
		for (String table : new String[] { "paused", "paused_stopped" }) {
			Counters.create(jdbc, table, 5_000);
		}
	}

	private static Backfill counting(String name, String table) {
		return Counters.counting(name, table, 250, 0.02);
	}

	private static long logged(String name) {
		return count("SELECT count(*) FROM BACKFILL_BATCH_LOG WHERE BACKFILL_NAME = '" + name + "'");
	}

	@Test
	void pausedRunHoldsNoTransactionNorLockAndGoesOnWhenResumed() throws Exception {
		Backfill backfill = counting("paused", "paused");
		DefaultBackfillOperator running = TestOperators.operator(dataSource, backfill);
		DefaultBackfillOperator elsewhere = TestOperators.operator(dataSource, backfill);
		CompletableFuture<BackfillResult> run = CompletableFuture
			.supplyAsync(() -> running.run("paused", RunOptions.defaults(), (progress) -> {
				if (progress.batchNo() == 3) {
					elsewhere.pause("paused", "test");
				}
			}));
		long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
		while (elsewhere.status("paused").state() != BackfillState.PAUSED && System.nanoTime() < deadline) {
			Thread.sleep(20);
		}
		Thread.sleep(1_500);
		long held = logged("paused");
		assertThat(held).isBetween(3L, 4L);
		assertThat(elsewhere.status("paused").state()).isEqualTo(BackfillState.PAUSED);
		// alive, but no session of the run is in a transaction or holds a lock on the
		// table
		assertThat(count("""
				SELECT count(*) FROM pg_stat_activity
				WHERE datname = current_database() AND pid <> pg_backend_pid() AND xact_start IS NOT NULL""")).isZero();
		assertThat(count("SELECT count(*) FROM pg_locks WHERE relation = 'paused'::regclass")).isZero();
		Thread.sleep(500);
		assertThat(logged("paused")).isEqualTo(held);

		assertThat(elsewhere.resume("paused")).isTrue();
		BackfillResult result = run.get(30, TimeUnit.SECONDS);
		assertThat(result.state()).isEqualTo(BackfillState.COMPLETED);
		assertThat(count("SELECT count(*) FROM paused WHERE counter <> 1")).isZero();
		assertContiguous(new JdbcBatchLog(jdbc, "BACKFILL_").find("paused"));
		assertThat(elsewhere.resume("paused")).isFalse();
	}

	@Test
	void stopAskedFromAnotherProcessWhilePausedEndsTheRun() throws Exception {
		Backfill backfill = counting("paused-stopped", "paused_stopped");
		DefaultBackfillOperator running = TestOperators.operator(dataSource, backfill);
		DefaultBackfillOperator elsewhere = TestOperators.operator(dataSource, backfill);
		elsewhere.pause("paused-stopped", "test");
		CompletableFuture<BackfillResult> run = CompletableFuture
			.supplyAsync(() -> running.run("paused-stopped", RunOptions.defaults(), (p) -> {
			}));
		long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
		while (elsewhere.status("paused-stopped").state() != BackfillState.PAUSED && System.nanoTime() < deadline) {
			Thread.sleep(20);
		}
		// paused before its first batch
		assertThat(logged("paused-stopped")).isZero();
		assertThat(elsewhere.stop("paused-stopped")).isTrue();
		BackfillResult result = run.get(30, TimeUnit.SECONDS);
		assertThat(result.state()).isEqualTo(BackfillState.STOPPED);
		assertThat(logged("paused-stopped")).isZero();
		elsewhere.resume("paused-stopped");
		BackfillResult resumed = running.run("paused-stopped", RunOptions.defaults(), (p) -> {
		});
		assertThat(resumed.state()).isEqualTo(BackfillState.COMPLETED);
		assertThat(count("SELECT count(*) FROM paused_stopped WHERE counter <> 1")).isZero();
	}

}
