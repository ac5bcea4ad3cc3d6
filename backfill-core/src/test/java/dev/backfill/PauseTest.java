package dev.backfill;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.backfill.jdbc.JdbcBatchLog;
import dev.backfill.test.DatabaseTest;
import dev.backfill.test.TestOperators;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static dev.backfill.test.BatchLogAssert.assertContiguous;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A paused run stays alive in its place, holding no transaction and no lock on the table, and goes on when resumed;
 * a stop asked while it is paused ends it.
 */
class PauseTest extends DatabaseTest {

	@BeforeAll
	static void createTables() {
		for (String table : new String[] { "paused", "paused_stopped" }) {
			jdbc.sql("CREATE TABLE " + table + " (id bigint PRIMARY KEY, counter int NOT NULL DEFAULT 0)").update();
			jdbc.sql("INSERT INTO " + table + " (id) SELECT g FROM generate_series(1, 5000) g").update();
		}
	}

	private static Backfill counting(String name, String table) {
		return Backfill.sql(name).table(table).key("id").pending("counter = 0")
			.update("WITH pause AS (SELECT pg_sleep(0.02)) UPDATE " + table
					+ " SET counter = counter + 1 FROM pause WHERE id > :from AND id <= :to")
			.rollback("UPDATE " + table + " SET counter = 0 WHERE id > :from AND id <= :to")
			.batchSize(250)
			.build();
	}

	private static long logged(String name) {
		return count("SELECT count(*) FROM BACKFILL_BATCH_LOG WHERE BACKFILL_NAME = '" + name + "'");
	}

	@Test
	void pausedRunHoldsNoTransactionNorLockAndGoesOnWhenResumed() throws Exception {
		Backfill backfill = counting("paused", "paused");
		DefaultBackfillOperator running = TestOperators.operator(dataSource, backfill);
		DefaultBackfillOperator elsewhere = TestOperators.operator(dataSource, backfill);
		CompletableFuture<BackfillResult> run = CompletableFuture.supplyAsync(() -> running.run("paused",
				RunOptions.defaults(), (progress) -> {
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
		// alive, but no session of the run is in a transaction or holds a lock on the table
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
