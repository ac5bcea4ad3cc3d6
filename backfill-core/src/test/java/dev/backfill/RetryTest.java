package dev.backfill;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import dev.backfill.engine.DefaultBackfillOperator;
import dev.backfill.jdbc.BatchRecord;
import dev.backfill.jdbc.FailedAttempt;
import dev.backfill.jdbc.JdbcBatchLog;
import dev.backfill.test.Counters;
import dev.backfill.test.DatabaseTest;
import dev.backfill.test.TestOperators;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static dev.backfill.test.BatchLogAssert.assertContiguous;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * Batches that meet live traffic's row locks: retried after a backoff at half their size,
 * never applied twice, and failing with their range and SQLSTATE when the lock outlasts
 * the attempts.
 */
class RetryTest extends DatabaseTest {

	@BeforeAll
	static void createTables() {
		for (String table : List.of("held_briefly", "held_long", "terminated", "unknown_state", "altered")) {
			Counters.create(jdbc, table, 5_000);
		}
		// one key in three: the walk probes for its batches' ends
		Counters.create(jdbc, "altered_sparse", 15_000);
		jdbc.sql("DELETE FROM altered_sparse WHERE id % 3 <> 0; ANALYZE altered_sparse").update();
	}

	private static Backfill counting(String name, String table) {
		return Counters.counting(name, table, 1_000, 0);
	}

	private static BackfillSettings settings(Retry retry) {
		return new BackfillSettings(1_000, Duration.ofMillis(500), Duration.ofSeconds(30), "BACKFILL_", retry);
	}

	// another session locks one row, as a long production transaction would, and lets go
	// after a while
	private static CompletableFuture<Void> holdRowLock(String table, long id, Duration hold) throws Exception {
		Connection traffic = dataSource.getConnection();
		traffic.setAutoCommit(false);
		traffic.createStatement().execute("SELECT * FROM " + table + " WHERE id = " + id + " FOR UPDATE");
		return CompletableFuture.runAsync(() -> {
			try (traffic) {
				TimeUnit.MILLISECONDS.sleep(hold.toMillis());
				traffic.rollback();
			}
			catch (Exception ex) {
				throw new IllegalStateException(ex);
			}
		});
	}

	@Test
	void batchBlockedByARowLockForTenSecondsBacksOffAndFinishesOnceItIsReleased() throws Exception {
		DefaultBackfillOperator operator = TestOperators.operator(dataSource,
				settings(new Retry(30, Duration.ofMillis(250), Duration.ofSeconds(2))),
				counting("held-briefly", "held_briefly"));
		CompletableFuture<Void> released = holdRowLock("held_briefly", 2_500, Duration.ofSeconds(10));
		long start = System.nanoTime();
		BackfillResult result = operator.run("held-briefly", RunOptions.defaults(), (p) -> {
		});
		released.get(20, TimeUnit.SECONDS);

		assertThat(result.state()).isEqualTo(BackfillState.COMPLETED);
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThan(Duration.ofSeconds(9));
		// every row changed exactly once: no retried batch was applied twice, none was
		// skipped
		assertThat(count("SELECT count(*) FROM held_briefly WHERE counter <> 1")).isZero();
		List<BatchRecord> log = new JdbcBatchLog(jdbc, "BACKFILL_").find("held-briefly");
		assertContiguous(log);
		// the blocked batch was retried at half its size, or less, after each lock
		// timeout
		assertThat(log).extracting(BatchRecord::keys).contains(1_000L).anyMatch((keys) -> keys <= 500);
		assertThat(log.stream().mapToLong(BatchRecord::rowsAffected).sum()).isEqualTo(5_000);
	}

	@Test
	void tableLockedExclusivelyMidRunHoldsTheBatchWhichIsTriedAgain() throws Exception {
		// the key is dense: the walk spans key values, and the work is the first to meet
		// the lock; batch 3, after key 2000, timed out on it, then was tried again
		assertThat(runThroughAnExclusiveLock("altered", "altered")).allSatisfy((attempt) -> {
			assertThat(attempt.fromKey()).isEqualTo("2000");
			assertThat(Long.parseLong(attempt.toKey())).isGreaterThan(2000);
		});
	}

	@Test
	void tableLockedExclusivelyMidRunHoldsTheProbeWhichIsTriedAgain() throws Exception {
		// one key in three: the walk probes, and the probe for batch 3, after key 6000,
		// timed out on the lock: logged with no keys, then tried again
		assertThat(runThroughAnExclusiveLock("altered-sparse", "altered_sparse")).allSatisfy((attempt) -> {
			assertThat(attempt.fromKey()).isEqualTo("6000");
			assertThat(attempt.toKey()).isEqualTo("6000");
			assertThat(attempt.keys()).isZero();
		});
	}

	// a migration's ALTER TABLE after batch 2 holds every statement on the table for 2 s:
	// the run waits it out and completes, each row changed once
	private List<FailedAttempt> runThroughAnExclusiveLock(String name, String table) throws Exception {
		DefaultBackfillOperator operator = TestOperators.operator(dataSource,
				settings(new Retry(30, Duration.ofMillis(250), Duration.ofSeconds(1))), counting(name, table));
		AtomicReference<CompletableFuture<Void>> released = new AtomicReference<>();
		BackfillResult result = operator.run(name, RunOptions.defaults(), (progress) -> {
			if (progress.batchNo() == 2) {
				try {
					Connection migration = dataSource.getConnection();
					migration.setAutoCommit(false);
					migration.createStatement().execute("LOCK TABLE " + table + " IN ACCESS EXCLUSIVE MODE");
					released.set(CompletableFuture.runAsync(() -> {
						try (migration) {
							TimeUnit.MILLISECONDS.sleep(2_000);
							migration.rollback();
						}
						catch (Exception ex) {
							throw new IllegalStateException(ex);
						}
					}));
				}
				catch (Exception ex) {
					throw new IllegalStateException(ex);
				}
			}
		});
		released.get().get(20, TimeUnit.SECONDS);

		assertThat(result.state()).as(String.valueOf(result.failure())).isEqualTo(BackfillState.COMPLETED);
		assertThat(count("SELECT count(*) FROM " + table + " WHERE counter <> 1")).isZero();
		assertContiguous(new JdbcBatchLog(jdbc, "BACKFILL_").find(name));
		List<FailedAttempt> failures = new JdbcBatchLog(jdbc, "BACKFILL_").failures(name);
		assertThat(failures).isNotEmpty().allSatisfy((attempt) -> {
			assertThat(attempt.batchNo()).isEqualTo(3);
			assertThat(attempt.sqlState()).isEqualTo("55P03");
			assertThat(attempt.retried()).isTrue();
		});
		return failures;
	}

	@Test
	void lockOutlastingTheAttemptsFailsWithRangeAndSqlStateThenResumes() throws Exception {
		DefaultBackfillOperator operator = TestOperators.operator(dataSource,
				settings(new Retry(3, Duration.ofMillis(50), Duration.ofMillis(100))),
				counting("held-long", "held_long"));
		CompletableFuture<Void> released = holdRowLock("held_long", 2_500, Duration.ofSeconds(5));
		BackfillResult failed = operator.run("held-long", RunOptions.defaults(), (p) -> {
		});
		assertThat(failed.state()).isEqualTo(BackfillState.FAILED);
		// (2000, 3000] timed out, then (2000, 2500]; (2000, 2250] passed; then 1,000, 500
		// and 250 keys after 2250 met the locked row: three attempts of the batch that
		// holds it
		assertThat(failed.failure()).contains("Backfill 'held-long': batch (2250, 2500] failed 3 times")
			.contains("SQLSTATE 55P03")
			.contains("lock timeout")
			.contains("resumes after key 2250");
		assertThat(operator.status("held-long").lastKey()).isEqualTo("2250");
		assertThat(count("SELECT count(*) FROM held_long WHERE counter = 1")).isEqualTo(2_250);
		// every failed attempt is in the batch log, the last one as the run's failure
		JdbcBatchLog batchLog = new JdbcBatchLog(jdbc, "BACKFILL_");
		assertThat(batchLog.failures("held-long"))
			.extracting(FailedAttempt::batchNo, FailedAttempt::attempt, FailedAttempt::fromKey, FailedAttempt::toKey,
					FailedAttempt::retried, FailedAttempt::sqlState)
			.containsExactly(tuple(3L, 1, "2000", "3000", true, "55P03"), tuple(3L, 2, "2000", "2500", true, "55P03"),
					tuple(4L, 1, "2250", "3250", true, "55P03"), tuple(4L, 2, "2250", "2750", true, "55P03"),
					tuple(4L, 3, "2250", "2500", false, "55P03"));
		assertThat(batchLog.failures("held-long"))
			.allSatisfy((attempt) -> assertThat(attempt.message()).contains("lock timeout"));
		assertThat(batchLog.find("held-long")).extracting(BatchRecord::toKey, BatchRecord::attempt)
			.containsExactly(tuple("1000", 1), tuple("2000", 1), tuple("2250", 3));

		released.get(20, TimeUnit.SECONDS);
		BackfillResult resumed = operator.run("held-long", RunOptions.defaults(), (p) -> {
		});
		assertThat(resumed.state()).isEqualTo(BackfillState.COMPLETED);
		assertThat(resumed.resumed()).isTrue();
		assertThat(count("SELECT count(*) FROM held_long WHERE counter <> 1")).isZero();
		assertContiguous(new JdbcBatchLog(jdbc, "BACKFILL_").find("held-long"));
	}

	@Test
	void backendTerminatedMidRunIsRiddenThroughWithEveryRowChangedOnce() {
		DefaultBackfillOperator operator = TestOperators.operator(dataSource, settings(Retry.DEFAULTS),
				counting("terminated", "terminated"));
		AtomicInteger killed = new AtomicInteger();
		BackfillResult result = operator.run("terminated", new RunOptions(250), (progress) -> {
			if (progress.batchNo() == 5) {
				// what an operator's pg_terminate_backend, or a failover, does to the
				// sessions doing the work
				killed.set(terminateWorkSessions());
			}
		});
		assertThat(killed.get()).isPositive();
		assertThat(result.state()).isEqualTo(BackfillState.COMPLETED);
		assertThat(count("SELECT count(*) FROM terminated WHERE counter <> 1")).isZero();
		assertContiguous(new JdbcBatchLog(jdbc, "BACKFILL_").find("terminated"));
	}

	// every session of the test database but this one and the run lock's
	private static int terminateWorkSessions() {
		try (Connection admin = DriverManager.getConnection(dataSource.getJdbcUrl(), dataSource.getUsername(),
				dataSource.getPassword()); ResultSet rs = admin.createStatement().executeQuery("""
						SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
						WHERE datname = current_database() AND pid <> pg_backend_pid()
						  AND application_name NOT LIKE 'backfill %'""")) {
			rs.next();
			return rs.getInt(1);
		}
		catch (SQLException ex) {
			throw new IllegalStateException(ex);
		}
	}

	@Test
	void executionLeftUnknownByAFailedRollbackResumesFromItsCheckpoint() {
		DefaultBackfillOperator operator = TestOperators.operator(dataSource, settings(Retry.DEFAULTS),
				counting("unknown", "unknown_state"));
		// a first run stopped by a refusing row in its third batch
		jdbc.sql("""
				CREATE FUNCTION refuse_2100() RETURNS trigger LANGUAGE plpgsql AS $$
				BEGIN IF NEW.id = 2100 THEN RAISE EXCEPTION 'refusing row 2100'; END IF; RETURN NEW; END $$;
				CREATE TRIGGER refuse_2100 BEFORE UPDATE ON unknown_state FOR EACH ROW EXECUTE FUNCTION
				refuse_2100()""").update();
		BackfillResult failed = operator.run("unknown", RunOptions.defaults(), (p) -> {
		});
		assertThat(failed.state()).isEqualTo(BackfillState.FAILED);
		jdbc.sql("DROP TRIGGER refuse_2100 ON unknown_state").update();
		// as Spring Batch leaves it when the rollback itself fails with a dead connection
		jdbc.sql("UPDATE BATCH_STEP_EXECUTION SET STATUS = 'UNKNOWN' WHERE JOB_EXECUTION_ID = ?")
			.param(failed.jobExecutionId())
			.update();
		jdbc.sql("UPDATE BATCH_JOB_EXECUTION SET STATUS = 'UNKNOWN' WHERE JOB_EXECUTION_ID = ?")
			.param(failed.jobExecutionId())
			.update();

		BackfillResult resumed = operator.run("unknown", RunOptions.defaults(), (p) -> {
		});
		assertThat(resumed.state()).isEqualTo(BackfillState.COMPLETED);
		assertThat(resumed.resumed()).isTrue();
		assertThat(resumed.rows()).isEqualTo(3_000);
		assertThat(count("SELECT count(*) FROM unknown_state WHERE counter <> 1")).isZero();
		assertContiguous(new JdbcBatchLog(jdbc, "BACKFILL_").find("unknown"));
	}

}
